{# grain: one row per classification × code.
   inputs: line_items seed (classes and uncoded lines), classified cells (codes as printed).
   rules: level follows the code's length (3 类, 5 款, 7 项); a printed code's name is
   the name most often printed for it; parents are generated even when not printed. #}
with items as (
    select * from {{ ref('line_items') }}
),

cells as (
    select * from {{ ref('int_budget_cells_classified') }}
),

printed as (
    select
        subject_classification as classification,
        subject_code_resolved as code,
        mode(line_label) as printed_name
    from cells
    group by all
),

coded as (
    select classification, code, printed_name from printed
    where classification in ('function', 'economic')
    union
    select classification, left(code, 5), null from printed
    where classification in ('function', 'economic') and length(code) = 7
    union
    select classification, left(code, 3), null from printed
    where classification in ('function', 'economic') and length(code) >= 5
),

coded_named as (
    select
        c.classification,
        c.code,
        coalesce(i.name, max(c.printed_name)) as name,
        case length(c.code) when 3 then '类' when 5 then '款' when 7 then '项' end as level,
        case length(c.code) when 5 then left(c.code, 3) when 7 then left(c.code, 5) end as parent_code
    from coded as c
    left join items as i on i.classification = c.classification and i.code = c.code
    group by c.classification, c.code, i.name
),

uncoded as (
    select classification, code, name, level, parent_code
    from items
    where classification not in ('function', 'economic')
    union
    select classification, code, max(printed_name), null, null
    from printed
    where classification = 'unmapped'
    group by all
),

class_items as (
    select classification, code, name, level, parent_code
    from items
    where classification in ('function', 'economic')
),

unioned as (
    select * from coded_named
    union
    select * from class_items where (classification, code) not in (select (classification, code) from coded_named)
    union
    select * from uncoded
),

final as (
    select
        classification || ':' || code as subject_key,
        classification,
        code,
        name,
        level,
        case when parent_code is not null then classification || ':' || parent_code end as parent_subject_key
    from unioned
)

select * from final
