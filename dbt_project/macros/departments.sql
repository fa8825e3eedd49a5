{# A department across years: its unit_key (region + printed code), else region and name as
   printed. Used by fct_figure_year_on_year and its pre-hook, which must agree on it. #}
{% macro department_key(unit_key='unit_key', region_key='region_key', department_name='department_name') -%}
    coalesce({{ unit_key }}, {{ region_key }} || '|' || {{ department_name }})
{%- endmacro %}

{# Pre-hook of fct_figure_year_on_year (incremental by department): a row pairs two years of
   one department, so a rebuilt disclosure changes every row of its department, old or new
   (a corrected code can move a disclosure to another department). Lists those departments in
   a temporary table the model reads, then deletes their rows; the model inserts them again.
   A sliced build does this in its first slice, for every slice (the model's input,
   fct_budget_figure, is whole by then), and its other slices add nothing. #}
{% macro delete_rebuilt_departments() -%}
    {%- if is_incremental() and var('build_slice', 0) | int == 0 -%}
        create or replace temporary table rebuilt_departments as
        select department_key from {{ this }}
        where disclosure_key in {{ rebuilt('disclosure_key', sliced=false) }}
            or previous_disclosure_key in {{ rebuilt('disclosure_key', sliced=false) }}
        union
        select {{ department_key() }} from {{ ref('fct_budget_figure') }}
        where disclosure_key in {{ rebuilt('disclosure_key', sliced=false) }};
        delete from {{ this }} where department_key in (select department_key from rebuilt_departments)
    {%- endif -%}
{%- endmacro %}
