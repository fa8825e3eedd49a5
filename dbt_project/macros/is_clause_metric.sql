{# True for the metrics of figures read from their clause alone (narrative/clauses.py):
   `amount`, `change`, `threshold`. Their label is the clause as printed, not a catalog metric,
   so rules that key figures by metric leave them out. #}
{% macro is_clause_metric(metric) -%}
    ({{ metric }} in ('amount', 'change', 'threshold'))
{%- endmacro %}
