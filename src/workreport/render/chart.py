"""Native Word charts: a chart part with its embedded workbook (docs/templates.md, 图表).

The chart XML and the workbook behind it come from python-pptx's chart writer
(``ChartXmlWriter`` and ``CategoryChartData``, which writes the .xlsx with
XlsxWriter): the same DrawingML chart part serves Word, WPS and LibreOffice, so
a chart is editable there (右键 → 编辑数据) and rendered in the PDF.  python-docx
has no chart API; the part, its workbook and the inline ``c:chart`` graphic are
added to the package here.  A refresh rewrites the series' values in place
(``SeriesXmlRewriterFactory``), so what a person changed in the chart's
formatting stays.
"""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from .document import ChartData

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAME_PREFIX = "workreport.chart."  # the drawing's name (wp:docPr), which Word and WPS keep
_EMU_PER_MM = 36000
WIDTH_MM, HEIGHT_MM = 140, 80  # inside the 156 mm text block, about a third of a page


def _chart_type(kind: str):
    from pptx.enum.chart import XL_CHART_TYPE

    return {"pie": XL_CHART_TYPE.PIE, "column": XL_CHART_TYPE.COLUMN_CLUSTERED}[kind]


def _data(chart: ChartData):
    from pptx.chart.data import CategoryChartData

    data = CategoryChartData(number_format="0")  # integer counts
    data.categories = [c for c, _ in chart.points]
    data.add_series(chart.series, [v for _, v in chart.points])
    return data


def chart_xml(chart: ChartData, east_asia: str, latin: str) -> tuple[bytes, bytes]:
    """(the chart part's XML, the embedded workbook) for ``chart``: values shown on the
    chart, no title inside it (the caption beneath is the document's), 仿宋 text."""
    from pptx.chart.chart import Chart
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.oxml import parse_xml
    from pptx.util import Pt

    data = _data(chart)
    space = parse_xml(ChartXmlWriter(_chart_type(chart.kind), data).xml.encode("utf-8"))
    view = Chart(space, None)
    view.has_title = False
    view.has_legend = False  # each slice and column is labelled with its category
    plot = view.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = "0", False
    labels.show_value = True
    if chart.kind == "pie":
        from pptx.enum.chart import XL_LABEL_POSITION

        labels.show_category_name = True
        labels.position = XL_LABEL_POSITION.BEST_FIT
        _label_separator(labels._element, "：")  # «县处级：1», not Word's «县处级; 1»
    view.font.size = Pt(12)
    view.font.name = latin
    _east_asian_font(space, east_asia)
    space.get_or_add_externalData().rId = "rId1"
    return etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True), (
        data.xlsx_blob
    )


def _label_separator(dlbls, text: str) -> None:
    """``c:separator`` in its place in ``c:dLbls`` (after the show* flags, before the
    leader lines: CT_DLbls's sequence)."""
    flags = ("showVal", "showCatName", "showSerName", "showPercent", "showBubbleSize")
    separator = etree.Element(f"{{{C_NS}}}separator")
    separator.text = text
    last = None
    for child in dlbls:
        if etree.QName(child).localname in flags:
            last = child
    if last is not None:
        last.addnext(separator)
    else:
        dlbls.append(separator)


def _east_asian_font(space, east_asia: str) -> None:
    """Chinese labels in the report's font: python-pptx sets the Latin typeface only."""
    rpr = space.find(f"{{{C_NS}}}txPr/{{{A_NS}}}p/{{{A_NS}}}pPr/{{{A_NS}}}defRPr")
    if rpr is None:
        return
    latin = rpr.find(f"{{{A_NS}}}latin")
    ea = etree.SubElement(rpr, f"{{{A_NS}}}ea")
    ea.set("typeface", east_asia)
    if latin is not None:
        latin.addnext(ea)


def add_chart(document_part, chart: ChartData, east_asia: str, latin: str) -> str:
    """Add ``chart``'s part and workbook to the package; returns the relationship id
    the inline graphic names."""
    package = document_part.package
    n = 1 + sum(1 for p in package.iter_parts() if str(p.partname).startswith("/word/charts/"))
    xml, xlsx = chart_xml(chart, east_asia, latin)
    part = Part(PackURI(f"/word/charts/chart{n}.xml"), CHART_CT, xml, package)
    book = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{n}.xlsx"), XLSX_CT, xlsx, package
    )
    rid = part.relate_to(book, RT.PACKAGE)
    if rid != "rId1":  # pragma: no cover - a new part's first relationship
        raise AssertionError(rid)
    return document_part.relate_to(part, RT.CHART)


def inline_chart(rid: str, shape_id: int, name: str):
    """The ``w:drawing`` that shows the chart part ``rid`` inline, named after the chart."""
    cx, cy = WIDTH_MM * _EMU_PER_MM, HEIGHT_MM * _EMU_PER_MM
    xml = (
        f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        f' xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:c="{C_NS}" xmlns:r="{R_NS}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="{NAME_PREFIX}{name}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{C_NS}"><c:chart r:id="{rid}"/></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing>"
    )
    from docx.oxml import parse_xml

    return parse_xml(xml)


def read_points(xml: bytes) -> tuple[tuple[str, int | float], ...]:
    """The (category, value) pairs a chart part shows: its first series' caches, which
    Word and WPS rewrite when a person edits the chart's data."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    ser = root.find(f".//{{{C_NS}}}ser")
    if ser is None:
        return ()

    def cache(kind: str) -> dict[int, str]:
        found = {}
        for el in ser.iterfind(f"{{{C_NS}}}{kind}"):
            for pt in el.iter(f"{{{C_NS}}}pt"):
                v = pt.find(f"{{{C_NS}}}v")
                found[int(pt.get("idx", "0"))] = v.text if v is not None else ""
        return found

    cats, vals = cache("cat"), cache("val")
    points = []
    for i in sorted(vals):
        number = float(vals[i] or 0)
        points.append((cats.get(i, ""), int(number) if number.is_integer() else number))
    return tuple(points)


def rewrite_points(xml: bytes, chart: ChartData) -> tuple[bytes, bytes]:
    """The chart part with ``chart``'s values in place of its own, every other setting
    kept, and the workbook to embed with it."""
    from pptx.chart.xmlwriter import SeriesXmlRewriterFactory
    from pptx.oxml import parse_xml

    data = _data(chart)
    space = parse_xml(xml)
    SeriesXmlRewriterFactory(_chart_type(chart.kind), data).replace_series_data(space)
    out = etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out, data.xlsx_blob
