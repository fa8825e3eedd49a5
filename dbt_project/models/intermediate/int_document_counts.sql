{# grain: one row per document with facts or rule checks: how many, by kind and by status
   (dim_document's counts).
   inputs: int_budget_lines, fct_rule_check.
   incremental: the rows of the documents this build rebuilds are replaced (their lines and
   checks are the only ones that changed), so a small rebuild no longer counts 7 M lines and
   10 M checks at 10,000 documents. The checks are also filtered on rebuilt_rows' literal list,
   which DuckDB pushes into fct_rule_check's union of check families. #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('document_id') }}") }}
{%- set listed = rebuilt_rows('document_id') if execute else '' %}
with facts as (
    select
        document_id,
        count(*) filter (where source_kind = 'table') as table_fact_count,
        count(*) filter (where source_kind like 'narrative%') as narrative_fact_count
    from {{ ref('int_budget_lines') }}
    where {{ rebuilt_here() }}
    group by all
),

checks as (
    select
        document_id,
        count(*) as checks_total,
        count(*) filter (where status = 'pass') as checks_pass,
        count(*) filter (where status = 'rounding') as checks_rounding,
        count(*) filter (where status = 'fail') as checks_fail,
        count(*) filter (where status = 'skipped') as checks_skipped,
        count(*) filter (where status = 'fail' and severity = 'error') as error_failures
    from {{ ref('fct_rule_check') }}
    where document_id in {{ rebuilt('document_id') }}{% if listed %} and {{ listed }}{% endif %}
    group by all
),

final as (
    select
        document_id,
        coalesce(f.table_fact_count, 0) as table_fact_count,
        coalesce(f.narrative_fact_count, 0) as narrative_fact_count,
        coalesce(c.checks_total, 0) as checks_total,
        coalesce(c.checks_pass, 0) as checks_pass,
        coalesce(c.checks_rounding, 0) as checks_rounding,
        coalesce(c.checks_fail, 0) as checks_fail,
        coalesce(c.checks_skipped, 0) as checks_skipped,
        coalesce(c.error_failures, 0) as error_failures
    from facts as f
    full join checks as c using (document_id)
)

select * from final
