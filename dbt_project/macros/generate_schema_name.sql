{# Use the folder's schema name as is (staging, intermediate, marts), not
   prefixed by the target schema, so BI users find `marts.fact_budget_line`. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
