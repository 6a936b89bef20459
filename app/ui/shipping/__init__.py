"""The Shipping panel (ShipStation settings and health), beside the Back Market settings."""
