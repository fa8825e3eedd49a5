{# grain: one printed amount per document × table × row × side × column, for every
   loaded document (published or not). Table cells and narrative figures in one
   shape; narrative figures use table_code 'narrative' and the metric as measure.
   A narrative figure naming a 类/款/项 carries its subject (int_narrative_subjects).
   inputs: int_budget_cells_classified, int_narrative_figures_deduplicated, int_units,
   int_narrative_subjects.
   storage (issue 10): a view. The fact grain is stored once, in int_budget_cells_classified
   (and the narrative figures'); stored again here it was the largest table (36 columns, 58
   bytes a fact at 10,000 documents, an md5 string key a third of it) and ~30 s of a full build.
   Readers filter on document_id and build_slice, which DuckDB pushes through the union into
   both stored tables. fact_id is computed where it is read.
   Both branches join documents and units by ref, not through a shared CTE: DuckDB materializes
   a CTE read twice, a materialized CTE keeps it from dropping the columns a reader does not
   select, and a view does not keep `not materialized` (DuckDB 1.5.5 drops the hint when it
   stores the view). So every read of this view computed every fact_id (md5) and locator:
   2.3 s a read at 10,000 documents, 0.25 s without the shared CTEs. #}
{{ config(materialized='view') }}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
),

figures as (
    select * from {{ ref('int_narrative_figures_deduplicated') }}
),

table_lines as (
    select
        c.document_id,
        u.unit_key,
        c.fiscal_year,
        c.subject_key,
        c.table_code,
        c.table_seq,
        c.table_title,
        c.phase,
        c.scope,
        c.side,
        c.row_seq,
        c.line_label,
        c.subject_code as subject_code_printed,
        c.column_no,
        c.column_label,
        c.measure,
        c.amount_text,
        c.amount_printed,
        c.amount_unit,
        c.amount_wan,
        'printed' as unit_basis,
        c.source_path,
        c.file_name,
        c.source_line,
        c.source_line_end,
        c.source_page,
        c.bbox_x0,
        c.bbox_y0,
        c.bbox_x1,
        c.bbox_y1,
        {{ source_locator('d.file_format', 'c.source_page', 'c.source_line', 'c.bbox_x0', 'c.bbox_y0') }}
            as source_locator,
        cast(null as varchar) as sentence,
        cast(null as varchar) as funds_scope,
        'table' as source_kind,
        c.build_slice
    from cells as c
    inner join {{ ref('stg_raw__source_documents') }} as d using (document_id)
    left join {{ ref('int_units') }} as u
        on u.document_id = c.document_id
        and u.kind = c.scope
        and coalesce(u.unit_code, u.unit_name) = coalesce(c.unit_code, c.unit_name)
),

narrative_lines as (
    select
        f.document_id,
        u.unit_key,
        f.fiscal_year,
        ns.subject_key,
        'narrative' as table_code,
        0 as table_seq,
        case f.source_kind when 'form' then '绩效目标表' else '情况说明' end as table_title,
        d.phase,
        'department' as scope,
        cast(null as varchar) as side,
        f.figure_seq as row_seq,
        coalesce(f.label, f.metric) as line_label,
        cast(null as varchar) as subject_code_printed,
        0 as column_no,
        '' as column_label,
        f.metric as measure,
        f.amount_text,
        f.amount_printed,
        f.amount_unit,
        f.amount_wan,
        f.unit_basis,
        d.source_path,
        d.file_name,
        f.source_line,
        f.source_line as source_line_end,
        cast(null as integer) as source_page,
        cast(null as double) as bbox_x0,
        cast(null as double) as bbox_y0,
        cast(null as double) as bbox_x1,
        cast(null as double) as bbox_y1,
        'line ' || f.source_line as source_locator,
        f.sentence,
        f.funds_scope,
        'narrative_' || f.source_kind as source_kind,
        f.build_slice
    from figures as f
    inner join {{ ref('stg_raw__source_documents') }} as d using (document_id)
    left join {{ ref('int_units') }} as u
        on u.document_id = f.document_id
        and u.kind = 'department'
    left join {{ ref('int_narrative_subjects') }} as ns
        on ns.document_id = f.document_id and ns.figure_seq = f.figure_seq
),

lines as (
    select * from table_lines
    union all
    select * from narrative_lines
),

final as (
    select
        {{ fact_id('document_id', 'table_code', 'table_seq', 'row_seq', 'column_no') }} as fact_id,
        *
    from lines
)

select * from final
