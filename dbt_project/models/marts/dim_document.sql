{# grain: one row per source document version (loaded or quarantined), history included.
   inputs: stg documents, int_document_counts (facts and checks), acceptances, int_units,
   int_disclosures (the disclosure a file belongs to; null when quarantined),
   int_document_versions (latest, replaced or removed).
   rules: a document that fails an error-level rule is `failed`, and one whose file was
   cut short is `incomplete`; both are left out of the default marts until accepted
   (`budgetwh accept`); a quarantined file never loaded. Only the latest version of a
   document is published: one replaced by a newer version, or whose file is gone from
   the raw folder, stays here with `is_latest` false. #}
with documents as (
    select * from {{ ref('stg_raw__source_documents') }}
),

counts as (
    select * from {{ ref('int_document_counts') }}
),

findings as (
    select document_id, count(*) as parse_finding_count
    from {{ ref('stg_raw__parse_findings') }}
    group by all
),

acceptances as (
    select * from {{ ref('stg_raw__document_acceptances') }}
),

disclosures as (
    select document_id, disclosure_key from {{ ref('int_disclosures') }}
),

versions as (
    select * from {{ ref('int_document_versions') }}
),

departments as (
    select document_id, unit_key from {{ ref('int_units') }} where kind = 'department'
    qualify row_number() over (partition by document_id order by unit_code nulls last) = 1
),

final as (
    select
        d.document_id,
        d.source_path,
        d.file_name,
        d.file_format,
        d.byte_size,
        d.parser_version,
        d.load_status,
        d.load_error,
        ds.disclosure_key,
        d.fiscal_year,
        d.phase,
        d.page_count,
        coalesce(pf.parse_finding_count, 0) as parse_finding_count,
        dep.unit_key as department_unit_key,
        d.department_code,
        d.department_name,
        d.region_key,
        d.table_count,
        coalesce(c.table_fact_count, 0) as table_fact_count,
        coalesce(c.narrative_fact_count, 0) as narrative_fact_count,
        d.narrative_money_printed,
        d.narrative_money_read,
        -- the share of the narrative's money figures a fact holds (the rest are findings)
        cast(d.narrative_money_read / nullif(d.narrative_money_printed, 0) as decimal(5, 4)) as narrative_coverage,
        coalesce(c.table_fact_count, 0) + coalesce(c.narrative_fact_count, 0) as fact_count,
        coalesce(c.checks_total, 0) as checks_total,
        coalesce(c.checks_pass, 0) as checks_pass,
        coalesce(c.checks_rounding, 0) as checks_rounding,
        coalesce(c.checks_fail, 0) as checks_fail,
        coalesce(c.checks_skipped, 0) as checks_skipped,
        coalesce(c.error_failures, 0) as error_failures,
        case
            when d.load_status = 'quarantined' then 'quarantined'
            when (coalesce(c.error_failures, 0) > 0 or not v.is_complete) and a.document_id is not null then 'accepted'
            when not v.is_complete then 'incomplete'
            when coalesce(c.error_failures, 0) > 0 then 'failed'
            -- Something read did not become facts: the document is not clean.
            when coalesce(c.checks_fail, 0) + coalesce(c.checks_rounding, 0) + coalesce(pf.parse_finding_count, 0) > 0
                then 'passed_with_warnings'
            else 'passed'
        end as validation_status,
        coalesce(v.is_latest, false) as is_latest,
        v.superseded_by,
        v.superseded_as,
        d.removed_at,
        d.last_seen_at,
        d.file_modified_at,
        d.load_status = 'loaded'
            and coalesce(v.is_latest, false)
            and ((coalesce(c.error_failures, 0) = 0 and v.is_complete) or a.document_id is not null) as is_published,
        a.acceptance_reason,
        a.accepted_at,
        d.identity_evidence,
        d.ingested_at
    from documents as d
    left join counts as c using (document_id)
    left join acceptances as a using (document_id)
    left join findings as pf using (document_id)
    left join departments as dep using (document_id)
    left join disclosures as ds using (document_id)
    left join versions as v using (document_id)
)

select * from final
