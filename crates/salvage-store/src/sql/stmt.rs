//! A statement as the shared SQL builds it: its text and an owned list of arguments, bound by
//! the executor of whichever backend runs it (`conn`).
//!
//! Fixed statements are written with numbered parameters (`$1`, `$2`, and `$1` again where a
//! value is used twice), which PostgreSQL reads natively and sqlx's SQLite driver maps to
//! argument positions too. Statements built piece by piece (`push_bind`, `values`) get the
//! backend's cheapest placeholder instead: `$n` on PostgreSQL, a plain `?` on SQLite, where
//! each numbered parameter is looked up by name when binding — fine for ten, quadratic for the
//! thousands of a batch insert. The two styles are never mixed in one statement.

use super::dialect::Dialect;

/// One argument of a statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

impl From<u32> for Arg {
    fn from(v: u32) -> Arg {
        Arg::Int(i64::from(v))
    }
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::OptInt(v)
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_owned())
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(v.clone())
    }
}

impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        Arg::OptText(v)
    }
}

impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Bool(v)
    }
}

/// SQL text and its arguments, in order.
#[derive(Debug, Clone)]
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
    numbered: bool,
}

impl Sql {
    /// A statement of `dialect` starting with `text`.
    pub(crate) fn new(dialect: &Dialect, text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            args: Vec::new(),
            numbered: dialect.numbered_binds,
        }
    }

    /// Adds the argument of the next numbered parameter (`$1`, `$2`, …) of a fixed text.
    pub(crate) fn arg(mut self, value: impl Into<Arg>) -> Sql {
        self.args.push(value.into());
        self
    }

    /// Appends text.
    pub(crate) fn push(&mut self, text: impl AsRef<str>) -> &mut Sql {
        self.text.push_str(text.as_ref());
        self
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn push_bind(&mut self, value: impl Into<Arg>) -> &mut Sql {
        self.args.push(value.into());
        if self.numbered {
            self.text.push('$');
            self.text.push_str(&self.args.len().to_string());
        } else {
            self.text.push('?');
        }
        self
    }

    /// Appends `VALUES (…), (…)`: one row of placeholders per item, holding what `row` gives.
    pub(crate) fn values<T>(&mut self, items: impl IntoIterator<Item = T>, mut row: impl FnMut(T) -> Vec<Arg>) {
        self.push("VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            self.push(if i == 0 { "(" } else { ", (" });
            for (j, value) in row(item).into_iter().enumerate() {
                if j > 0 {
                    self.push(", ");
                }
                self.push_bind(value);
            }
            self.push(")");
        }
    }
}
