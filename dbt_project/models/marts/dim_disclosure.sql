{# grain: one row per disclosure: one department's publication for one year and phase,
   whatever number of files it came in; its latest files only (replaced and removed
   versions are history, in dim_document).
   inputs: int_disclosures, int_document_versions, dim_document (published state). #}
with members as (
    select d.*
    from {{ ref('int_disclosures') }} as d
    inner join {{ ref('int_document_versions') }} as v using (document_id)
    where v.is_latest
),

documents as (
    select document_id, is_published, table_count, narrative_fact_count from {{ ref('dim_document') }}
),

final as (
    select
        m.disclosure_key,
        any_value(m.region_key) as region_key,
        any_value(m.department_code) as department_code,
        any_value(m.department_name) as department_name,
        any_value(m.fiscal_year) as fiscal_year,
        any_value(m.phase) as phase,
        bool_and(m.is_identified) as is_identified,
        count(*) as file_count,
        list(m.file_name order by m.file_name) as file_names,
        list(m.document_id order by m.file_name) as document_ids,
        sum(d.table_count) as table_count,
        sum(d.narrative_fact_count) as narrative_fact_count,
        bool_and(d.is_published) as is_published
    from members as m
    inner join documents as d using (document_id)
    group by m.disclosure_key
)

select * from final
