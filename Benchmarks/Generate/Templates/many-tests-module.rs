{{functions}}#[cfg(test)]
mod tests {
{{tests}}}
