{# grain: one row per disclosure (publisher × fiscal year × phase) × rule: how that
   publisher's checks of the rule came out, for the latest version of its documents.
   inputs: fct_rule_check, dim_document, dim_disclosure. #}
with checks as (
    select c.*, d.disclosure_key
    from {{ ref('fct_rule_check') }} as c
    inner join {{ ref('dim_document') }} as d using (document_id)
    where d.is_latest
),

disclosures as (
    select disclosure_key, region_key, department_name, fiscal_year, phase, is_published
    from {{ ref('dim_disclosure') }}
),

final as (
    select
        md5(c.disclosure_key || '|' || c.rule_id) as finding_id,
        c.disclosure_key,
        ds.region_key,
        ds.department_name,
        ds.fiscal_year,
        ds.phase,
        ds.is_published,
        c.rule_id,
        any_value(c.severity) as severity,
        count(*) as checks,
        count(*) filter (where c.status = 'pass') as passed,
        count(*) filter (where c.status = 'rounding') as rounding,
        count(*) filter (where c.status = 'fail') as failed,
        count(*) filter (where c.status = 'skipped') as skipped,
        list(distinct c.file_name order by c.file_name) as file_names
    from checks as c
    inner join disclosures as ds using (disclosure_key)
    group by all
)

select * from final
