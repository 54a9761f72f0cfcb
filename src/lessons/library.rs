//! The built-in lessons once read, from wherever their texts came from: compiled in (tests,
//! native tools) or fetched by the web app when the picker first opens.

use std::collections::BTreeMap;

use super::{ids, load_builtin, Lesson, LessonSummary, Problem};

/// Built-in lessons in catalogue order (each file's `order`, then its id).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Library {
    lessons: Vec<Lesson>,
}

impl Library {
    /// Reads `(id, text)` pairs. A file that does not load is left out and its problems are
    /// returned, so one broken file on a host never hides the others.
    pub fn read<I, S, T>(files: I) -> (Library, Vec<Problem>)
    where
        I: IntoIterator<Item = (S, T)>,
        S: AsRef<str>,
        T: AsRef<str>,
    {
        let mut ordered = BTreeMap::new();
        let mut problems = Vec::new();
        for (id, text) in files {
            let id = id.as_ref();
            if !ids().contains(&id) {
                problems.push(Problem::in_file(
                    id,
                    "this is not a built-in lesson".to_string(),
                ));
                continue;
            }
            match load_builtin(id, text.as_ref()) {
                Ok(lesson) => {
                    ordered.insert((lesson.file.order, id.to_string()), lesson);
                }
                Err(p) => problems.extend(p),
            }
        }
        (
            Library {
                lessons: ordered.into_values().collect(),
            },
            problems,
        )
    }

    pub fn get(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id() == id)
    }

    pub fn len(&self) -> usize {
        self.lessons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lessons.is_empty()
    }

    /// One line per lesson for the picker, in catalogue order.
    pub fn summaries(&self) -> Vec<LessonSummary> {
        self.lessons
            .iter()
            .map(|l| LessonSummary {
                id: l.file.id.clone(),
                title: l.file.title.clone(),
                summary: l.file.summary.clone(),
                concepts: l.file.concepts.clone(),
                order: l.file.order,
            })
            .collect()
    }
}
