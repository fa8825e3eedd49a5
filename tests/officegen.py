"""Generate .xlsx, .xls and .docx files from the samples' independent cell list.

The same tables `pdfgen` prints, laid out as a department publishes them in
Office formats: a sheet (or a Word table) per table, the title and the
`部门：… 单位：万元` line above the grid, the 本年收入 group as a merged cell over
its columns, amounts as numbers formatted `0.00` in workbooks and as text in Word.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.pdfgen import TableSpec, table_specs


def _header_rows(spec: TableSpec) -> tuple[list[str], list[str] | None]:
    """The header as one row, or as a group row and a leaf row when a group spans columns."""
    labels = [c["column_label"] for c in spec.columns]
    if spec.group is None:
        return labels, None
    label, first, last = spec.group
    top = [label if n == first else ("" if first <= n <= last else text) for n, text in enumerate(labels, start=1)]
    leaf = [text if first <= n <= last else "" for n, text in enumerate(labels, start=1)]
    return top, leaf


def tables_xlsx(sample: Path, facts_csv: Path, out: Path) -> int:
    """One sheet per table; return the table count."""
    import openpyxl

    specs = table_specs(sample, facts_csv)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, spec in enumerate(specs, start=1):
        sheet = book.create_sheet(f"表{n}")
        width = len(spec.columns)
        sheet.cell(1, 1, spec.title)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.cell(2, 1, f"部门：{spec.department}")
        sheet.cell(2, max(width // 2, 2), f"{spec.year}年度")
        sheet.cell(2, width, "单位：万元")
        top, leaf = _header_rows(spec)
        for col, text in enumerate(top, start=1):
            sheet.cell(3, col, text or None)
        row = 4
        if leaf is not None and spec.group is not None:
            _, first, last = spec.group
            sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
            for col, text in enumerate(leaf, start=1):
                if text:
                    sheet.cell(4, col, text)
                else:
                    sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
            row = 5
        for seq in sorted(spec.rows):
            for col, (text, meta) in enumerate(zip(spec.printed_row(seq), spec.columns, strict=True), start=1):
                if not text:
                    continue
                if meta["role"] == "amount":
                    cell = sheet.cell(row, col, float(Decimal(text)))
                    cell.number_format = "0.00"
                else:
                    sheet.cell(row, col, text)
            row += 1
    book.save(out)
    return len(specs)


def tables_xls(sample: Path, facts_csv: Path, out: Path) -> int:
    """The same workbook as `tables_xlsx`, in the legacy .xls (BIFF8) format, via xlwt."""
    import xlwt

    specs = table_specs(sample, facts_csv)
    book = xlwt.Workbook(encoding="utf-8")
    money = xlwt.easyxf(num_format_str="0.00")
    for n, spec in enumerate(specs, start=1):
        sheet = book.add_sheet(f"表{n}")
        width = len(spec.columns)
        sheet.write_merge(0, 0, 0, width - 1, spec.title)
        sheet.write(1, 0, f"部门：{spec.department}")
        sheet.write(1, max(width // 2, 2) - 1, f"{spec.year}年度")
        sheet.write(1, width - 1, "单位：万元")
        top, leaf = _header_rows(spec)
        row = 3
        if leaf is None or spec.group is None:
            for col, text in enumerate(top):
                sheet.write(2, col, text)
        else:
            label, first, last = spec.group
            sheet.write_merge(2, 2, first - 1, last - 1, label)
            for col, (upper, lower) in enumerate(zip(top, leaf, strict=True)):
                if lower:
                    sheet.write(3, col, lower)
                elif not first - 1 <= col <= last - 1:
                    sheet.write_merge(2, 3, col, col, upper)
            row = 4
        for seq in sorted(spec.rows):
            for col, (text, meta) in enumerate(zip(spec.printed_row(seq), spec.columns, strict=True)):
                if not text:
                    continue
                if meta["role"] == "amount":
                    sheet.write(row, col, float(Decimal(text)), money)
                else:
                    sheet.write(row, col, text)
            row += 1
    book.save(str(out))
    return len(specs)


def tables_docx(sample: Path, facts_csv: Path, out: Path) -> int:
    """One Word table per table, title and 部门/单位 paragraphs above it; return the table count."""
    import docx

    specs = table_specs(sample, facts_csv)
    document = docx.Document()
    for spec in specs:
        document.add_paragraph(spec.title)
        document.add_paragraph(f"部门：{spec.department}\t{spec.year}年度\t单位：万元")
        top, leaf = _header_rows(spec)
        header_rows = 1 if leaf is None else 2
        table = document.add_table(rows=header_rows + len(spec.rows), cols=len(spec.columns))
        for col, text in enumerate(top):
            table.cell(0, col).text = text
        if leaf is not None and spec.group is not None:
            _, first, last = spec.group
            for col, text in enumerate(leaf):
                if text:
                    table.cell(1, col).text = text
                else:
                    table.cell(0, col).merge(table.cell(1, col))
            table.cell(0, first - 1).merge(table.cell(0, last - 1))
            table.cell(0, first - 1).text = spec.group[0]
        for r, seq in enumerate(sorted(spec.rows), start=header_rows):
            for col, text in enumerate(spec.printed_row(seq)):
                if text:
                    table.cell(r, col).text = text
    document.save(out)
    return len(specs)


def tables_html(sample: Path, facts_csv: Path, out: Path) -> int:
    """A saved web page: a heading and 部门/单位 paragraph above each `<table>`; the group
    header as `colspan`, the columns beside it as `rowspan`. GB18030-encoded, as many
    government sites still serve."""
    from html import escape

    specs = table_specs(sample, facts_csv)
    parts = ['<!DOCTYPE html><html><head><meta charset="gb18030"><title>部门预算公开</title></head><body>']
    for spec in specs:
        parts.append(f"<h3>{escape(spec.title)}</h3>")
        parts.append(f"<p>部门：{escape(spec.department)}&nbsp;&nbsp;{spec.year}年度&nbsp;&nbsp;单位：万元</p>")
        parts.append("<table border='1'>")
        top, leaf = _header_rows(spec)
        if leaf is None or spec.group is None:
            parts.append("<tr>" + "".join(f"<th>{escape(t)}</th>" for t in top) + "</tr>")
        else:
            label, first, last = spec.group
            row = []
            for n, text in enumerate(top, start=1):
                if n == first:
                    row.append(f"<th colspan='{last - first + 1}'>{escape(label)}</th>")
                elif not first <= n <= last:
                    row.append(f"<th rowspan='2'>{escape(text)}</th>")
            parts.append("<tr>" + "".join(row) + "</tr>")
            parts.append("<tr>" + "".join(f"<th>{escape(t)}</th>" for t in leaf if t) + "</tr>")
        for seq in sorted(spec.rows):
            parts.append("<tr>" + "".join(f"<td>{escape(t)}</td>" for t in spec.printed_row(seq)) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    out.write_bytes("\n".join(parts).encode("gb18030"))
    return len(specs)


def _is_figure(text: str | None) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "", 1).replace("-", "", 1).isdigit() and "." in text


def workbook_from_pdf(pdf_path: Path, out: Path) -> int:
    """A workbook made from a real PDF by PyMuPDF's own table finder (not our reader).

    Each table `find_tables()` finds becomes a sheet: the text printed above it on the
    page (title, 部门/单位 line) first, then its rows, merged cells merged again from
    the header cell boxes the finder reports. Slow (≈6 pages/s) but independent of the
    code under test. Returns the sheet count.
    """
    import openpyxl
    import pymupdf

    book = openpyxl.Workbook()
    book.remove(book.active)
    with pymupdf.open(pdf_path) as pdf:
        for page in pdf:
            top = 0.0
            for table in page.find_tables().tables:
                sheet = book.create_sheet(f"表{len(book.worksheets) + 1}")
                above = page.get_text("text", clip=pymupdf.Rect(0, top, page.rect.width, table.bbox[1]))
                row = 1
                for line in above.splitlines():
                    if line.strip():
                        sheet.cell(row, 1, line.strip())
                        row += 1
                # Merged cells: a cell whose box runs past later grid lines spans them.
                boxes = [cell for r in table.rows for cell in r.cells if cell]
                xs = sorted({round(b[0], 1) for b in boxes})
                ys = sorted({round(b[1], 1) for b in boxes})
                first = row
                rows = table.extract()
                # Header merges only: a body row's figures are never merged cells.
                body = next((r for r, texts in enumerate(rows) if any(_is_figure(t) for t in texts)), len(rows))
                for r, (cells, texts) in enumerate(zip(table.rows, rows, strict=True)):
                    for col, (box, text) in enumerate(zip(cells.cells, texts, strict=True), start=1):
                        if box is None:
                            continue
                        if text:
                            sheet.cell(first + r, col, text.replace("\n", ""))
                        wide = sum(1 for x in xs if box[0] + 1 < x < box[2] - 1)
                        tall = sum(1 for y in ys if box[1] + 1 < y < box[3] - 1)
                        if (wide or tall) and r < body:
                            sheet.merge_cells(
                                start_row=first + r, start_column=col, end_row=first + r + tall, end_column=col + wide
                            )
                row = first + len(table.rows)
                top = table.bbox[3]
    book.save(out)
    return len(book.worksheets)


def tables_spreadsheet_ml(sample: Path, facts_csv: Path, out: Path) -> int:
    """Excel 2003 XML (SpreadsheetML), as many sites publish it under a .xls name:
    MergeAcross for the title and group, MergeDown for the columns beside the group,
    amounts as Number cells styled 0.00."""
    from html import escape

    specs = table_specs(sample, facts_csv)
    ss = 'xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<?mso-application progid="Excel.Sheet"?>', f"<Workbook {ss}>"]
    parts.append('<Styles><Style ss:ID="money"><NumberFormat ss:Format="0.00"/></Style></Styles>')

    def cell(text: str, extra: str = "") -> str:
        return f'<Cell{extra}><Data ss:Type="String">{escape(text)}</Data></Cell>'

    for n, spec in enumerate(specs, start=1):
        width = len(spec.columns)
        parts.append(f'<Worksheet ss:Name="表{n}"><Table>')
        merge = f" ss:MergeAcross='{width - 1}'"
        parts.append("<Row>" + cell(spec.title, merge) + "</Row>")
        parts.append(f"<Row>{cell('部门：' + spec.department)}{cell(spec.year + '年度')}{cell('单位：万元')}</Row>")
        top, leaf = _header_rows(spec)
        if leaf is None or spec.group is None:
            parts.append("<Row>" + "".join(cell(t) for t in top) + "</Row>")
        else:
            label, first, last = spec.group
            row = []
            for col, text in enumerate(top, start=1):
                if col == first:
                    row.append(cell(label, f" ss:MergeAcross='{last - first}'"))
                elif not first <= col <= last:
                    row.append(cell(text, f" ss:Index='{col}' ss:MergeDown='1'"))
            parts.append("<Row>" + "".join(row) + "</Row>")
            parts.append("<Row>" + "".join(cell(t, f" ss:Index='{c}'") for c, t in enumerate(leaf, 1) if t) + "</Row>")
        for seq in sorted(spec.rows):
            row = []
            for col, (text, meta) in enumerate(zip(spec.printed_row(seq), spec.columns, strict=True), start=1):
                if not text:
                    continue
                if meta["role"] == "amount":
                    row.append(f"<Cell ss:Index='{col}' ss:StyleID='money'><Data ss:Type='Number'>{text}</Data></Cell>")
                else:
                    row.append(cell(text, f" ss:Index='{col}'"))
            parts.append("<Row>" + "".join(row) + "</Row>")
        parts.append("</Table></Worksheet>")
    parts.append("</Workbook>")
    out.write_text("\n".join(parts), encoding="utf-8")
    return len(specs)
