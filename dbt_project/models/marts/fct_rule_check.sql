{# grain: one row per checked identity instance (passes and skips included).
   inputs: the int_checks__* models, rule_catalog, stg documents, stg tables.
   rules: diff = lhs − rhs. Each printed figure is rounded to 0.01 of its unit, so
   an identity over n printed terms may be off by up to n × 0.005: tolerance is
   tolerance_per_term × n_terms (in 万元; a table printed in 元 scales it by 1/10000).
   diff 0 → pass; within tolerance → rounding; beyond → fail; missing input → skipped.
   incremental: the checks of the documents int_document_changes lists are replaced. The check
   models are ephemeral (inlined here) and read only those documents' cells; the filter on
   `checks` keeps any check that reads more from adding rows twice. #}
{{ config(materialized='incremental', pre_hook="{{ delete_rebuilt('document_id') }}") }}
with all_checks as (
    select * from {{ ref('int_checks__row_identities') }}
    union all by name select * from {{ ref('int_checks__hierarchy') }}
    union all by name select * from {{ ref('int_checks__summary_tables') }}
    union all by name select * from {{ ref('int_checks__cross_tables') }}
    union all by name select * from {{ ref('int_checks__three_public') }}
    union all by name select * from {{ ref('int_checks__narrative') }}
    union all by name select * from {{ ref('int_checks__year_on_year') }}
    union all by name select * from {{ ref('int_checks__execution') }}
    union all by name select * from {{ ref('int_checks__execution_table') }}
    union all by name select * from {{ ref('int_checks__narrative_subjects') }}
    union all by name select * from {{ ref('int_checks__budget_final') }}
    union all by name select * from {{ ref('int_checks__shares') }}
    union all by name select * from {{ ref('int_checks__stated_changes') }}
    union all by name select * from {{ ref('int_checks__document_consistency') }}
    union all by name select * from {{ ref('int_checks__document_identity') }}
),

checks as (
    select * from all_checks where document_id in {{ rebuilt('document_id') }}
),

rules as (
    select * from {{ ref('rule_catalog') }}
),

documents as (
    select document_id, file_name, source_path from {{ ref('stg_raw__source_documents') }}
),

tables as (
    select document_id, table_seq, table_title from {{ ref('stg_raw__budget_tables') }}
),

measured as (
    select
        c.*,
        r.family as rule_family,
        r.severity,
        r.statement,
        cast(c.lhs - c.rhs as decimal(24, 6)) as diff,
        cast(
            r.tolerance_per_term * c.n_terms * case c.amount_unit when '元' then 0.0001 else 1 end
            as decimal(24, 6)
        ) as tolerance
    from checks as c
    inner join rules as r using (rule_id)
),

final as (
    select
        md5(concat_ws('|', m.rule_id, m.document_id, m.table_code, m.table_seq, m.scope, m.unit_code,
            m.side, m.row_seq, m.subject_key, m.measure, m.line_label)) as check_id,
        m.rule_id,
        m.rule_family,
        m.severity,
        m.statement,
        m.document_id,
        d.file_name,
        m.unit_code,
        m.scope,
        m.table_code,
        m.table_seq,
        t.table_title,
        m.row_seq,
        m.side,
        m.line_label,
        m.subject_key,
        m.measure,
        cast(m.lhs as decimal(24, 6)) as lhs,
        cast(m.rhs as decimal(24, 6)) as rhs,
        m.diff,
        m.tolerance,
        m.n_terms,
        case
            when m.missing_input is not null or m.lhs is null or m.rhs is null then 'skipped'
            when m.diff = 0 then 'pass'
            when abs(m.diff) <= m.tolerance then 'rounding'
            else 'fail'
        end as status,
        case
            when m.missing_input is not null then 'missing input: ' || m.missing_input
            when m.lhs is null or m.rhs is null then 'missing input: ' || case when m.lhs is null then 'left side' else 'right side' end
            else m.detail
        end as message,
        m.source_line
    from measured as m
    left join documents as d using (document_id)
    left join tables as t on t.document_id = m.document_id and t.table_seq = m.table_seq
)

select * from final
