{# grain: one row per non-blank amount cell · input: raw.budget_cell
   Labels are kept as printed; `line_name` is the label without ordinal prefix
   or white space, for matching against the line item seed. #}
with source as (
    select * from {{ source('raw', 'budget_cell') }}
),

final as (
    select
        document_id,
        table_seq,
        row_seq,
        side,
        line_label,
        {{ normalise_label('line_label') }} as line_name,
        subject_code,
        column_no,
        column_label,
        measure,
        amount_text,
        amount as amount_printed,
        source_line,
        source_line_end,
        source_page,
        bbox_x0,
        bbox_y0,
        bbox_x1,
        bbox_y1
    from source
)

select * from final
