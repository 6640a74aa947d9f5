//! Parameter serialisation (OpenAPI `style`/`explode`, Swagger `collectionFormat`) for the
//! witness of a changed style: a list written the base's way and read back the revision's way.
//! Only arrays of scalars are modelled; an object parameter has no witness here.

/// The wire form of one parameter: repeated query pairs, or one string (path, header, cookie).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Wire {
    /// `name=value` pairs, in order (a name may repeat).
    Query(Vec<(String, String)>),
    /// The whole value as one string.
    Single(String),
}

/// The delimiter a non-exploded style joins items with; `None` for a style this module does not
/// model (`deepObject`, an unknown one).
fn delimiter(style: &str) -> Option<&'static str> {
    match style {
        "form" | "simple" => Some(","),
        "spaceDelimited" => Some(" "),
        "pipeDelimited" => Some("|"),
        "tabDelimited" => Some("\t"),
        "label" => Some("."),
        "matrix" => Some(","),
        _ => None,
    }
}

/// Writes `items` as parameter `name` in `location` with `style`/`explode`.
pub(crate) fn write(location: &str, name: &str, style: &str, explode: bool, items: &[String]) -> Option<Wire> {
    let d = delimiter(style)?;
    if location == "query" {
        return Some(Wire::Query(if explode {
            items.iter().map(|i| (name.to_string(), i.clone())).collect()
        } else {
            vec![(name.to_string(), items.join(d))]
        }));
    }
    Some(Wire::Single(match (style, explode) {
        ("label", true) => items.iter().map(|i| format!(".{i}")).collect(),
        ("label", false) => format!(".{}", items.join(",")),
        ("matrix", true) => items.iter().map(|i| format!(";{name}={i}")).collect(),
        ("matrix", false) => format!(";{name}={}", items.join(",")),
        _ => items.join(d),
    }))
}

/// Reads parameter `name` back from its wire form with `style`/`explode`: the list a server
/// following that description gets, or why it cannot read one.
pub(crate) fn read(name: &str, style: &str, explode: bool, wire: &Wire) -> Result<Vec<String>, String> {
    let d = delimiter(style).ok_or_else(|| format!("style `{style}` is not one apidiff reads"))?;
    match wire {
        Wire::Query(pairs) => {
            let values: Vec<&String> = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v).collect();
            if explode {
                return Ok(values.into_iter().cloned().collect());
            }
            match values.as_slice() {
                [one] => Ok(one.split(d).map(str::to_string).collect()),
                _ => Err(format!(
                    "`{name}` is sent {} times and the revision reads it once, delimited by `{}`",
                    values.len(),
                    d.escape_default()
                )),
            }
        }
        Wire::Single(s) => {
            let body = match style {
                "label" => s.strip_prefix('.').ok_or_else(|| format!("`{s}` does not start with `.`"))?,
                "matrix" => {
                    let prefix = format!(";{name}=");
                    if explode {
                        return s
                            .split(';')
                            .skip(1)
                            .map(|p| {
                                p.strip_prefix(&format!("{name}=")).map(str::to_string).ok_or_else(|| format!("`{s}` is not `{prefix}...`"))
                            })
                            .collect();
                    }
                    s.strip_prefix(&prefix).ok_or_else(|| format!("`{s}` does not start with `{prefix}`"))?
                }
                _ => s.as_str(),
            };
            let sep = if style == "label" && explode { "." } else { "," };
            Ok(body.split(sep).map(str::to_string).collect())
        }
    }
}

/// How a style reads in a sentence: `form, exploded`.
pub(crate) fn describe(style: &str, explode: bool) -> String {
    format!("{style}, {}", if explode { "exploded" } else { "not exploded" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    #[test]
    fn a_list_written_one_way_reads_back_the_same_way() {
        for (loc, style) in [("query", "form"), ("query", "pipeDelimited"), ("path", "simple"), ("path", "label"), ("path", "matrix")] {
            for explode in [true, false] {
                let w = write(loc, "ids", style, explode, &items()).unwrap();
                assert_eq!(read("ids", style, explode, &w).unwrap(), items(), "{loc} {style} {explode}");
            }
        }
    }

    #[test]
    fn exploded_and_joined_forms_read_differently() {
        let exploded = write("query", "ids", "form", true, &items()).unwrap();
        assert!(read("ids", "form", false, &exploded).is_err());
        let joined = write("query", "ids", "form", false, &items()).unwrap();
        assert_eq!(read("ids", "form", true, &joined).unwrap(), vec!["a,b".to_string()]);
        assert_eq!(read("ids", "spaceDelimited", false, &joined).unwrap(), vec!["a,b".to_string()]);
    }
}
