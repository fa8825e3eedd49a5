{# A fact's key: md5 of its document, table, row and column (a narrative figure: its document and
   figure_seq, which int_budget_lines prints as its row_seq). Computed where it is read, in
   int_budget_lines and int_budget_figures, never stored: random 32-character strings were a third
   of the stored fact grain's bytes and the slowest columns to write (issue 10). #}
{% macro fact_id(document_id, table_code, table_seq, row_seq, column_no) -%}
    case
        when {{ table_code }} = 'narrative' then md5({{ document_id }} || '|n|' || {{ row_seq }})
        else md5({{ document_id }} || '|t|' || {{ table_seq }} || '|' || {{ row_seq }} || '|' || {{ column_no }})
    end
{%- endmacro %}

{# A canonical figure's key: md5 of its natural key (disclosure, unit, subject, fund scope,
   figure), computed from those columns where it is read: int_budget_figures, and
   fct_figure_year_on_year after its filter. #}
{% macro figure_id(disclosure_key, unit_key, subject_key, fund_scope, figure) -%}
    md5(concat_ws('|', {{ disclosure_key }}, {{ unit_key }}, {{ subject_key }}, {{ fund_scope }}, {{ figure }}))
{%- endmacro %}
