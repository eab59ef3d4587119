//! rust-cli: counts the words of its arguments (or of a built-in sentence) and prints a JSON line.
use std::env;

/// The number of whitespace-separated words of each text, in order.
fn word_counts(texts: &[String]) -> Vec<usize> {
    texts.iter().map(|t| t.split_whitespace().count()).collect()
}

fn answer(texts: &[String]) -> String {
    let counts = word_counts(texts);
    let total: usize = counts.iter().sum();
    let list: Vec<String> = counts.iter().map(|c| c.to_string()).collect();
    format!("{{\"service\":\"rust-cli\",\"counts\":[{}],\"total\":{}}}", list.join(","), total)
}

fn main() {
    let mut args: Vec<String> = env::args().skip(1).collect();
    if args.is_empty() {
        args.push("hello from a distroless rust binary".to_string());
    }
    println!("{}", answer(&args));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_per_argument() {
        let texts = vec!["a b c".to_string(), "  d  ".to_string(), String::new()];
        assert_eq!(word_counts(&texts), vec![3, 1, 0]);
        assert_eq!(answer(&texts), "{\"service\":\"rust-cli\",\"counts\":[3,1,0],\"total\":4}");
    }
}
