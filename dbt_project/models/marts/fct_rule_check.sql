{# grain: one row per checked identity instance (passes and skips included).
   inputs: the int_checks__* models (each family's instances, measured: diff, tolerance,
   status, message; macros/rule_check_rows.sql), rule_catalog, stg documents, stg tables.
   A view: the instances are stored once, in their family's table, and the names a reader
   wants beside them (statement, file, table title) and the check's id are added here. Built
   as one stored table, the union of the families took 119 s of a 10,000-document build
   (out of the 4 GB pool, spilling); stored per family, 46 s, and this view answers a count
   by status in under a second there. #}
{{ config(materialized='view') }}
with checks as (
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

rules as (
    select rule_id, statement from {{ ref('rule_catalog') }}
),

documents as (
    select document_id, file_name from {{ ref('stg_raw__source_documents') }}
),

tables as (
    select document_id, table_seq, table_title from {{ ref('stg_raw__budget_tables') }}
),

final as (
    select
        md5(concat_ws('|', c.rule_id, c.document_id, c.table_code, c.table_seq, c.scope, c.unit_code,
            c.side, c.row_seq, c.subject_key, c.measure, c.line_label)) as check_id,
        c.rule_id,
        c.rule_family,
        c.severity,
        r.statement,
        c.document_id,
        d.file_name,
        c.unit_code,
        c.scope,
        c.table_code,
        c.table_seq,
        t.table_title,
        c.row_seq,
        c.side,
        c.line_label,
        c.subject_key,
        c.measure,
        cast(c.lhs as decimal(24, 6)) as lhs,
        cast(c.rhs as decimal(24, 6)) as rhs,
        c.diff,
        c.tolerance,
        c.n_terms,
        c.status,
        c.message,
        c.source_line
    from checks as c
    inner join rules as r using (rule_id)
    left join documents as d using (document_id)
    left join tables as t on t.document_id = c.document_id and t.table_seq = c.table_seq
)

select * from final
