{# Where a person finds a table cell in its file. PDF: the page. Workbooks: the sheet
   and the cell address (A1 style). Word and web tables: the table, row and column.
   Text extractions: the line. The grid readers (src/budgetwh/readers/grid.py) put a
   cell's column at x0 / 60 and its row at y0 / 20; keep the two in step. #}
{% macro source_locator(file_format, page, line, x0, y0) -%}
    case
        when {{ file_format }} = 'pdf' then 'page ' || {{ page }}
        when {{ file_format }} in ('xlsx', 'xls') then
            'sheet ' || {{ page }} || ' '
            || case when floor({{ x0 }} / 60) >= 26
                    then chr(64 + cast(floor(floor({{ x0 }} / 60) / 26) as integer)) else '' end
            || chr(65 + cast(floor({{ x0 }} / 60) % 26 as integer))
            || cast(floor({{ y0 }} / 20) as integer)
        when {{ file_format }} in ('docx', 'html') then
            'table ' || {{ page }} || ' row ' || cast(floor({{ y0 }} / 20) as integer)
            || ' column ' || cast(floor({{ x0 }} / 60) + 1 as integer)
        else 'line ' || {{ line }}
    end
{%- endmacro %}
