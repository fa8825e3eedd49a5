{# grain: one row per narrative figure whose label names a classification subject by level
   (一般公共服务（类）支出, 政协事务（款）一般行政管理事务（项）支出, 基本工资（款）支出), resolved to
   the subject: the table lines of its disclosure with that name at that level (类 3, 款 5,
   项 7 digits), under the printed parent when one is printed. A name no line prints, or one
   that resolves to two subjects, stays unresolved (no row).
   inputs: stg narrative figures, int_budget_cells_classified, int_disclosures,
   int_document_versions. #}
with figures as (
    select
        f.document_id,
        f.figure_seq,
        -- the name before each level mark; list marks run into a name (（一）一般公共服务支出（类）
        -- 1.政协事务（款）) are not the name
        list_transform(
            regexp_split_to_array(f.label, '（(?:类|款|项)）'),
            p -> regexp_replace(trim(p), '^(?:（[一二三四五六七八九十0-9]+）|[0-9]+[.．、])+', '')
        ) as names,
        -- each level's code length: 类 3, 款 5, 项 7 digits
        list_transform(
            regexp_extract_all(f.label, '（(类|款|项)）', 1), l -> case l when '类' then 3 when '款' then 5 else 7 end
        ) as lengths
    from {{ ref('stg_raw__narrative_figures') }} as f
    where regexp_matches(f.label, '（(?:类|款|项)）')
),

named as (
    select
        document_id,
        figure_seq,
        names[len(lengths)] as subject_name,
        lengths[len(lengths)] as code_length,
        case when len(lengths) > 1 then names[len(lengths) - 1] end as parent_name,
        case when len(lengths) > 1 then lengths[len(lengths) - 1] end as parent_length
    from figures
),

disclosures as (
    select d.document_id, d.disclosure_key, v.is_latest
    from {{ ref('int_disclosures') }} as d
    inner join {{ ref('int_document_versions') }} as v using (document_id)
),

lines as (
    select distinct c.document_id, c.table_seq, c.subject_key, c.subject_code_resolved as code, c.line_name
    from {{ ref('int_budget_cells_classified') }} as c
    where c.scope = 'department' and c.subject_code_resolved is not null
        and c.subject_classification in ('function', 'economic')
),

candidates as (
    -- the figure's own file, or the latest files of its disclosure (a 公开表 beside the 公开文件)
    select distinct n.document_id, n.figure_seq, n.subject_name, l.subject_key
    from named as n
    inner join disclosures as own on own.document_id = n.document_id
    inner join disclosures as other
        on other.disclosure_key = own.disclosure_key and (other.document_id = n.document_id or other.is_latest)
    inner join lines as l
        on l.document_id = other.document_id
        and length(l.code) = n.code_length
        and l.line_name in (n.subject_name, n.subject_name || '支出')
    where n.parent_name is null or exists (
        select 1 from lines as p
        where p.document_id = l.document_id and p.table_seq = l.table_seq
            and p.code = left(l.code, n.parent_length)
            and p.line_name in (n.parent_name, n.parent_name || '支出')
    )
),

final as (
    select document_id, figure_seq, any_value(subject_name) as subject_name, any_value(subject_key) as subject_key
    from candidates
    group by document_id, figure_seq
    having count(distinct subject_key) = 1
)

select * from final
