{# grain: one row per unit per document in which it appears (department or unit).
   inputs: stg tables (unit lines), stg documents (identity of narrative-only documents).
   rules: a unit's natural key is region + code (codes are local: 731 in 秦皇岛 is
   not 731 in 张家口); without a printed code, region + name. #}
with tables as (
    select * from {{ ref('stg_raw__budget_tables') }}
),

documents as (
    select * from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
),

from_tables as (
    select distinct
        t.document_id,
        t.scope as kind,
        t.unit_code,
        t.unit_name,
        d.region_key,
        d.province,
        d.city,
        d.county
    from tables as t
    inner join documents as d using (document_id)
),

from_documents as (
    select
        document_id,
        'department' as kind,
        department_code as unit_code,
        department_name as unit_name,
        region_key,
        province,
        city,
        county
    from documents
    where department_name is not null or department_code is not null
),

unioned as (
    select * from from_tables
    union
    select * from from_documents
),

keyed as (
    select
        *,
        region_key || '|' || coalesce(unit_code, unit_name) as unit_natural_key,
        md5(region_key || '|' || coalesce(unit_code, unit_name)) as unit_key
    from unioned
),

-- A document names its department once in tables and once in its identity;
-- keep one row per document and natural key.
deduplicated as (
    select * exclude (rn)
    from (
        select *, row_number() over (partition by document_id, unit_key order by unit_name nulls last) as rn
        from keyed
    )
    where rn = 1
),

final as (
    select
        u.*,
        dept.unit_key as parent_unit_key
    from deduplicated as u
    -- equalities only: a condition on the preserved side alone made this a nested loop
    left join (
        select document_id, unit_key, 'unit' as child_kind from deduplicated where kind = 'department'
    ) as dept
        on dept.document_id = u.document_id
        and dept.child_kind = u.kind
)

select * from final
