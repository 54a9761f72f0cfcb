//! A tiny, safe, line-based reader for the trainer's guide (Markdown we write ourselves):
//! headings, paragraphs, bullet and numbered lists, tables, with `**bold**`, `*emphasis*`
//! and `` `code` `` inside. It produces plain text pieces; the view puts them in text nodes, never HTML.

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Bullets(Vec<String>),
    Numbered(Vec<String>),
    /// The first row is the header.
    Table(Vec<Vec<String>>),
}

/// A run of text inside a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(String),
    /// `*emphasis*` (the guide shows it in italics, not as asterisks).
    Emphasis(String),
    Code(String),
}

fn numbered_item(line: &str) -> Option<&str> {
    let (n, rest) = line.split_once(". ")?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then_some(rest)
}

/// Splits `text` into blocks. Continuation lines (indented) join the item or paragraph above.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open = false; // whether the last block may take a continuation line
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            let level = 1 + rest.chars().take_while(|c| *c == '#').count() as u8;
            out.push(Block::Heading {
                level,
                text: rest.trim_start_matches('#').trim().to_string(),
            });
            open = false;
        } else if line.starts_with('|') {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            if cells
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
            {
                continue;
            }
            match out.last_mut() {
                Some(Block::Table(rows)) if open => rows.push(cells),
                _ => out.push(Block::Table(vec![cells])),
            }
            open = true;
        } else if let Some(item) = line.strip_prefix("- ") {
            match out.last_mut() {
                Some(Block::Bullets(items)) if open => items.push(item.to_string()),
                _ => out.push(Block::Bullets(vec![item.to_string()])),
            }
            open = true;
        } else if let Some(item) = numbered_item(line) {
            match out.last_mut() {
                Some(Block::Numbered(items)) if open => items.push(item.to_string()),
                _ => out.push(Block::Numbered(vec![item.to_string()])),
            }
            open = true;
        } else {
            match out.last_mut() {
                Some(Block::Paragraph(p)) if open => push_line(p, line),
                Some(Block::Bullets(items) | Block::Numbered(items))
                    if open && raw.starts_with(' ') =>
                {
                    if let Some(last) = items.last_mut() {
                        push_line(last, line);
                    }
                }
                _ => out.push(Block::Paragraph(line.to_string())),
            }
            open = true;
        }
    }
    out
}

fn push_line(to: &mut String, line: &str) {
    to.push(' ');
    to.push_str(line);
}

/// `**bold**` and `` `code` `` runs; unmatched markers stay as text.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let bold = rest.find("**");
        let code = rest.find('`');
        // A single `*` that opens emphasis: not half of `**`, and followed by a word.
        let b = rest.as_bytes();
        let emph = (0..b.len()).find(|&i| {
            b[i] == b'*'
                && b.get(i + 1).is_some_and(|n| *n != b'*' && !n.is_ascii_whitespace())
                && (i == 0 || b[i - 1] != b'*')
        });
        let (at, marker) = [(code, "`"), (bold, "**"), (emph, "*")]
            .into_iter()
            .filter_map(|(p, m)| p.map(|p| (p, m)))
            .min_by_key(|&(p, _)| p)
            .map_or((usize::MAX, ""), |x| x);
        if marker.is_empty() {
            break;
        }
        let after = &rest[at + marker.len()..];
        let Some(end) = after.find(marker) else { break };
        if at > 0 {
            out.push(Inline::Text(rest[..at].to_string()));
        }
        let inner = after[..end].to_string();
        out.push(match marker {
            "`" => Inline::Code(inner),
            "*" => Inline::Emphasis(inner),
            _ => Inline::Strong(inner),
        });
        rest = &after[end + marker.len()..];
    }
    if !rest.is_empty() {
        out.push(Inline::Text(rest.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_strong_and_code_never_show_their_markers() {
        assert_eq!(
            inline("an *emphasis*, **strong** and `a*b` then 2 * 3"),
            vec![
                Inline::Text("an ".into()),
                Inline::Emphasis("emphasis".into()),
                Inline::Text(", ".into()),
                Inline::Strong("strong".into()),
                Inline::Text(" and ".into()),
                Inline::Code("a*b".into()),
                Inline::Text(" then 2 * 3".into()),
            ]
        );
        // The real guide: no marker is left in its text.
        let guide = include_str!("../../docs/TRAINERS-GUIDE.md");
        for b in blocks(guide) {
            let texts: Vec<String> = match b {
                Block::Heading { text, .. } | Block::Paragraph(text) => vec![text],
                Block::Bullets(items) | Block::Numbered(items) => items,
                Block::Table(rows) => rows.concat(),
            };
            for t in texts {
                for run in inline(&t) {
                    if let Inline::Text(x) = run {
                        assert!(!x.contains("*") && !x.contains('`'), "raw marker in {x:?} (from {t:?})");
                    }
                }
            }
        }
    }

    #[test]
    fn reads_headings_lists_tables_and_paragraphs() {
        let md = "# Guide\n\nSome text\ncontinued.\n\n- one\n- two\n  more\n\n1. first\n2. second\n\n| A | B |\n|---|---|\n| x | y |\n";
        assert_eq!(
            blocks(md),
            vec![
                Block::Heading {
                    level: 1,
                    text: "Guide".into()
                },
                Block::Paragraph("Some text continued.".into()),
                Block::Bullets(vec!["one".into(), "two more".into()]),
                Block::Numbered(vec!["first".into(), "second".into()]),
                Block::Table(vec![
                    vec!["A".into(), "B".into()],
                    vec!["x".into(), "y".into()]
                ]),
            ]
        );
    }

    #[test]
    fn inline_markers_become_runs_and_markup_stays_text() {
        assert_eq!(
            inline("a **b** `c` <i>d</i> **e"),
            vec![
                Inline::Text("a ".into()),
                Inline::Strong("b".into()),
                Inline::Text(" ".into()),
                Inline::Code("c".into()),
                Inline::Text(" <i>d</i> **e".into())
            ]
        );
    }
}
