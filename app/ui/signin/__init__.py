"""Station sign-in: the operator session, the sign-in screen, the idle lock and the role gates."""
