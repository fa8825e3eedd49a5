{# grain: one row per (预算 document, 决算 document) of the same department and year: every
   loaded 决算 document (its rules run on every version, as all rules do) with the latest
   documents of the 预算 (江苏 publishes a narrative file and a tables file, so a pair of
   disclosures may give several pairs of documents).
   inputs: int_disclosures, int_document_versions.
   rules: the department matches on region and code, else name, as disclosures do. #}
with disclosures as (
    select d.*, v.is_latest
    from {{ ref('int_disclosures') }} as d
    inner join {{ ref('int_document_versions') }} as v using (document_id)
    where d.is_identified
),

final as (
    select
        b.document_id as budget_document_id,
        f.document_id as final_document_id,
        b.disclosure_key as budget_disclosure_key,
        f.disclosure_key as final_disclosure_key,
        b.region_key,
        coalesce(b.department_code, b.department_name) as department,
        b.department_name,
        b.fiscal_year
    from disclosures as b
    inner join disclosures as f
        on f.region_key is not distinct from b.region_key
        and coalesce(f.department_code, f.department_name) = coalesce(b.department_code, b.department_name)
        and f.fiscal_year = b.fiscal_year
    where b.phase = 'budget' and b.is_latest and f.phase = 'final'
)

select * from final
