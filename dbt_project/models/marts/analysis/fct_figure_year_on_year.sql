{# grain: one row per department × subject × fund scope × figure × phase × year for which an
   earlier year of the same department is loaded: the figure against the nearest earlier
   year's, with the change in 万元 and in percent.
   input: fct_budget_figure.
   rules: a department is its unit_key (region + printed code, or the name where no code is
   printed); a gap of years is kept and marked (is_consecutive false), not skipped.
   incremental: the departments of the disclosures this build rebuilt, old and new, are deleted
   and built again (macros/departments.sql); a full build computes all of them. #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt_departments() }}") }}
-- depends_on: {{ ref('int_document_changes') }}
-- figure_id is computed here, after the filter, from the key it is an md5 of (macros/fact_id.sql):
-- taken from fct_budget_figure, where it is computed on read, the filter on departments (a
-- subquery, joined after the view's columns) computed it for every figure of every disclosure
-- (0.7 against 0.25 s at 10,000 documents)
with department_figures as (
    select
        disclosure_key,
        {{ department_key() }} as department_key,
        unit_key,
        region_key,
        department_name,
        subject_key,
        subject_classification,
        subject_name,
        subject_level,
        fund_scope,
        figure,
        phase,
        fiscal_year,
        amount_wan
    from {{ ref('fct_budget_figure') }}
    {%- if is_incremental() %}
    {%- if var('build_slice', 0) | int == 0 %}
    where {{ department_key() }} in (select department_key from rebuilt_departments)
    {%- else %}
    where false
    {%- endif %}
    {%- endif %}
),

figures as (
    select
        {{ figure_id('disclosure_key', 'unit_key', 'subject_key', 'fund_scope', 'figure') }} as figure_id,
        *
    from department_figures
),

paired as (
    select
        *,
        lag(fiscal_year) over w as previous_year,
        lag(amount_wan) over w as previous_amount_wan,
        lag(figure_id) over w as previous_figure_id,
        lag(disclosure_key) over w as previous_disclosure_key
    from figures
    window w as (partition by department_key, subject_key, fund_scope, figure, phase order by fiscal_year)
),

final as (
    select
        * exclude (amount_wan, previous_year, previous_amount_wan),
        previous_year,
        fiscal_year - previous_year = 1 as is_consecutive,
        amount_wan,
        previous_amount_wan,
        amount_wan - previous_amount_wan as change_wan,
        case
            when previous_amount_wan != 0
                then cast(round((amount_wan - previous_amount_wan) * 100 / previous_amount_wan, 2) as decimal(12, 2))
        end as change_pct
    from paired
    where previous_year is not null
)

select * from final
