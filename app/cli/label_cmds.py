"""label unit CODE --pdf FILE · label sku VARIATION --pdf FILE · label slip ORDER --pdf FILE ·
label receiving CODE --pdf FILE · label rma RMA --pdf FILE"""

from __future__ import annotations

from app.cli import CliError
from app.cli.common import database
from app.domain.dates import counted


def register(sub) -> None:
    p = sub.add_parser("label", help="print or save labels and packing slips")
    lsub = p.add_subparsers(dest="label_what", required=True)
    for what, arg, helptext in (
        ("unit", "code", "a unit label (IMEI barcode, product, grade, conditions, SKU)"),
        ("sku", "variation", "a SKU / bin label for a variation id"),
        ("slip", "order", "a packing slip with the order-number barcode"),
        ("receiving", "code", "a PO receiving label (IMEI barcode, model, PO number and line)"),
        ("rma", "rma", "the packing list of a vendor RMA"),
    ):
        q = lsub.add_parser(what, help=helptext)
        q.add_argument(arg)
        out = q.add_mutually_exclusive_group(required=True)
        out.add_argument("--pdf", metavar="FILE", help="save as PDF")
        out.add_argument("--print", dest="printer", nargs="?", const="", metavar="PRINTER",
                         help="send to a printer (the default one when no name is given)")
        q.add_argument("--size", help="2.25x1.25, 4x6, a4 or letter (labels: 2.25x1.25, slips: a4)")
        q.set_defaults(handler=cmd_label)


def cmd_label(args) -> int:
    from app.domain import label_data
    from app.labels import label_size, layout_packing_slip, layout_sku_label, layout_unit_label

    try:
        size = label_size(args.size or ("a4" if args.label_what in ("slip", "rma") else "2.25x1.25"))
    except KeyError as exc:
        raise CliError(str(exc).strip("'\"")) from None
    db = database(args)
    with db.reads() as s:
        if args.label_what == "unit":
            pages = [layout_unit_label(label_data.unit_label_data(s, args.code), size)]
        elif args.label_what == "sku":
            try:
                variation_id = int(args.variation)
            except ValueError:
                raise CliError(f"a variation id is a number, not “{args.variation}”") from None
            pages = [layout_sku_label(label_data.sku_label_data(s, variation_id), size)]
        elif args.label_what == "receiving":
            from app.domain.purchasing.label_data import receiving_label_data
            from app.labels.purchasing import layout_receiving_label

            pages = [layout_receiving_label(receiving_label_data(s, args.code), size)]
        elif args.label_what == "rma":
            from app.domain.purchasing.label_data import rma_packing_list_data
            from app.labels.purchasing import layout_rma_packing_list

            pages = layout_rma_packing_list(rma_packing_list_data(s, args.rma), size)
        else:
            pages = layout_packing_slip(label_data.packing_slip_data(s, args.order), size)
    from app.ui.printing import PrinterUnavailable, ensure_gui_app, print_pages, write_pdf

    ensure_gui_app()
    if args.pdf:
        write_pdf(pages, args.pdf)
        print(f"Saved {counted(len(pages), 'page')} to {args.pdf}")
        return 0
    try:
        print_pages(pages, args.printer or None)
    except PrinterUnavailable as exc:
        raise CliError(str(exc)) from None
    print(f"Sent {counted(len(pages), 'page')} to the printer")
    return 0
