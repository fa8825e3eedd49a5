{# grain: one row per disclosure (publisher × fiscal year × phase) × rule: how that
   publisher's checks of the rule came out, for the latest version of its documents.
   inputs: fct_rule_check, dim_document, dim_disclosure.
   incremental: the rows of the disclosures int_document_changes lists are replaced (a
   disclosure's documents are rebuilt together, and every column here is the disclosure's own:
   its checks, and names dim_disclosure takes from its own documents). #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('disclosure_key') }}") }}
with checks as (
    select c.rule_id, c.severity, c.status, c.file_name, d.disclosure_key
    from {{ ref('fct_rule_check') }} as c
    inner join {{ ref('dim_document') }} as d using (document_id)
    where d.is_latest and d.disclosure_key in {{ rebuilt('disclosure_key') }}
),

per_rule as (
    -- counted per disclosure × rule first, named after: the names would widen every group;
    -- list_sort, not an ordered aggregate, which buffers each group apart (issue 10)
    select
        disclosure_key,
        rule_id,
        any_value(severity) as severity,
        count(*) as checks,
        count(*) filter (where status = 'pass') as passed,
        count(*) filter (where status = 'rounding') as rounding,
        count(*) filter (where status = 'fail') as failed,
        count(*) filter (where status = 'skipped') as skipped,
        list_sort(list(distinct file_name)) as file_names
    from checks
    group by disclosure_key, rule_id
),

disclosures as (
    select disclosure_key, region_key, department_name, fiscal_year, phase, is_published
    from {{ ref('dim_disclosure') }}
),

final as (
    select
        md5(r.disclosure_key || '|' || r.rule_id) as finding_id,
        r.disclosure_key,
        ds.region_key,
        ds.department_name,
        ds.fiscal_year,
        ds.phase,
        ds.is_published,
        r.rule_id,
        r.severity,
        r.checks,
        r.passed,
        r.rounding,
        r.failed,
        r.skipped,
        r.file_names
    from per_rule as r
    inner join disclosures as ds using (disclosure_key)
)

select * from final
