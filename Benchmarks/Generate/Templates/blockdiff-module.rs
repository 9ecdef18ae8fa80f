//! Module {{index}}: ledger records, a small expression language and a state machine.
use std::collections::{BTreeMap, HashMap};
use std::fmt;

pub const MODULE_NAME: &str = "ledger-{{index}}";
pub const LIMIT: usize = {{keyLengthLimit}};
const MESSAGES: [&str; 5] = [
    "record accepted by module {{index}}",
    "record rejected: score below threshold",
    "retrying after a transient failure in module {{index}}",
    "input exhausted before the end marker",
    "unknown directive",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Num(i64),
    Word(String),
    Op(char),
    Open,
    Close,
    End,
}

#[derive(Debug, Clone, Default)]
pub struct Record {
    pub id: u64,
    pub name: String,
    pub score: i64,
    pub tags: Vec<String>,
    pub weights: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grade {
    Low,
    Medium,
    High,
    Exceptional,
}

pub trait Scorer {
    fn score(&self, input: &[i64]) -> i64;
    fn name(&self) -> String {
        format!("scorer-{}", MODULE_NAME)
    }
}

pub struct Linear {
    pub slope: i64,
    pub bias: i64,
}

pub struct Clamped<S: Scorer> {
    pub inner: S,
    pub low: i64,
    pub high: i64,
}

impl Scorer for Linear {
    fn score(&self, input: &[i64]) -> i64 {
        let mut total = self.bias;
        for (n, x) in input.iter().enumerate() {
            if n % {{stride}} == 0 {
                total = total.wrapping_add(self.slope.wrapping_mul(*x));
            } else {
                total = total.wrapping_sub(*x / (n as i64 + 1));
            }
        }
        total
    }
}

impl<S: Scorer> Scorer for Clamped<S> {
    fn score(&self, input: &[i64]) -> i64 {
        let raw = self.inner.score(input);
        if raw < self.low {
            self.low
        } else if raw > self.high {
            self.high
        } else {
            raw
        }
    }
    fn name(&self) -> String {
        format!("clamped({})", self.inner.name())
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {} score={} tags=[{}]", self.id, self.name, self.score, self.tags.join(","))?;
        if !self.weights.is_empty() {
            let mean: f64 = self.weights.iter().sum::<f64>() / self.weights.len() as f64;
            write!(f, " mean={:.3}", mean)?;
        }
        Ok(())
    }
}

pub fn grade(score: i64) -> Grade {
    match score {
        i64::MIN..={{lowGradeMax}} => Grade::Low,
        {{mediumGradeMin}}..={{mediumGradeMax}} => Grade::Medium,
        {{highGradeMin}}..={{highGradeMax}} => Grade::High,
        _ => Grade::Exceptional,
    }
}

pub fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = source.chars().collect();
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        match c {
            ' ' | '\t' | '\n' => pos += 1,
            '0'..='9' => {
                let start = pos;
                while pos < chars.len() && chars[pos].is_ascii_digit() {
                    pos += 1;
                }
                let text: String = chars[start..pos].iter().collect();
                let value = text.parse::<i64>().map_err(|e| format!("bad number {}: {}", text, e))?;
                tokens.push(Token::Num(value));
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let start = pos;
                while pos < chars.len() && (chars[pos].is_alphanumeric() || chars[pos] == '_') {
                    pos += 1;
                }
                tokens.push(Token::Word(chars[start..pos].iter().collect()));
            }
            '+' | '-' | '*' | '/' | '%' => {
                tokens.push(Token::Op(c));
                pos += 1;
            }
            '(' => {
                tokens.push(Token::Open);
                pos += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                pos += 1;
            }
            other => return Err(format!("{} at {}: {:?}", MESSAGES[4], pos, other)),
        }
    }
    tokens.push(Token::End);
    Ok(tokens)
}

pub fn evaluate(tokens: &[Token], variables: &HashMap<String, i64>) -> Result<i64, String> {
    let mut values: Vec<i64> = Vec::with_capacity(tokens.len());
    let mut ops: Vec<char> = Vec::new();
    fn apply(values: &mut Vec<i64>, op: char) -> Result<(), String> {
        let rhs = values.pop().ok_or("stack underflow")?;
        let lhs = values.pop().ok_or("stack underflow")?;
        let result = match op {
            '+' => lhs.checked_add(rhs),
            '-' => lhs.checked_sub(rhs),
            '*' => lhs.checked_mul(rhs),
            '/' => if rhs == 0 { None } else { Some(lhs / rhs) },
            '%' => if rhs == 0 { None } else { Some(lhs % rhs) },
            _ => None,
        };
        values.push(result.ok_or_else(|| format!("arithmetic error: {} {} {}", lhs, op, rhs))?);
        Ok(())
    }
    for token in tokens {
        match token {
            Token::Num(n) => values.push(*n),
            Token::Word(w) => match variables.get(w) {
                Some(v) => values.push(*v),
                None => return Err(format!("unknown variable {} in {}", w, MODULE_NAME)),
            },
            Token::Op(op) => {
                while let Some(&top) = ops.last() {
                    let stronger = matches!(top, '*' | '/' | '%') || !matches!(op, '*' | '/' | '%');
                    if top == '(' || !stronger {
                        break;
                    }
                    apply(&mut values, ops.pop().unwrap())?;
                }
                ops.push(*op);
            }
            Token::Open => ops.push('('),
            Token::Close => loop {
                match ops.pop() {
                    Some('(') => break,
                    Some(op) => apply(&mut values, op)?,
                    None => return Err("unbalanced parenthesis".to_string()),
                }
            },
            Token::End => break,
        }
    }
    while let Some(op) = ops.pop() {
        apply(&mut values, op)?;
    }
    values.pop().ok_or_else(|| MESSAGES[3].to_string())
}

#[derive(Debug)]
pub enum State {
    Idle,
    Running { step: u32, budget: u32 },
    Paused(u32),
    Done(i64),
    Failed(String),
}

pub struct Machine {
    pub state: State,
    pub log: Vec<String>,
    pub accumulator: i64,
}

impl Machine {
    pub fn new() -> Self {
        Machine { state: State::Idle, log: Vec::new(), accumulator: {{startingAccumulator}} }
    }

    pub fn step(&mut self, event: u8) {
        let next = match (&self.state, event) {
            (State::Idle, b's') => State::Running { step: 0, budget: {{startBudget}} },
            (State::Running { step, budget }, b't') if step < budget => {
                self.accumulator += (*step as i64) * {{stride}};
                State::Running { step: step + 1, budget: *budget }
            }
            (State::Running { step, .. }, b't') => State::Done(self.accumulator + *step as i64),
            (State::Running { step, .. }, b'p') => State::Paused(*step),
            (State::Paused(step), b'r') => State::Running { step: *step, budget: {{resumeBudget}} },
            (State::Done(_), b'x') | (State::Failed(_), b'x') => State::Idle,
            (state, other) => State::Failed(format!("{:?} cannot handle {:?}", state, other as char)),
        };
        self.log.push(format!("{:?} -> {:?}", self.state, next));
        self.state = next;
    }

    pub fn run(&mut self, events: &str) -> Result<i64, String> {
        for e in events.bytes() {
            self.step(e);
            if let State::Failed(reason) = &self.state {
                return Err(reason.clone());
            }
        }
        match self.state {
            State::Done(v) => Ok(v),
            _ => Err(format!("machine in {} did not finish after {} events", MODULE_NAME, events.len())),
        }
    }
}

pub fn summarize<S: Scorer>(scorer: &S, records: &mut [Record]) -> BTreeMap<Grade, Vec<u64>> {
    let mut by_grade: BTreeMap<Grade, Vec<u64>> = BTreeMap::new();
    for record in records.iter_mut() {
        let inputs: Vec<i64> = record.weights.iter().map(|w| (*w * 100.0) as i64).collect();
        record.score = scorer.score(&inputs);
        if record.tags.iter().any(|t| t == "vip") {
            record.score = record.score.saturating_mul(2);
        }
        by_grade.entry(grade(record.score)).or_default().push(record.id);
    }
    by_grade
}

pub fn checked_window(values: &[u32], start: usize, len: usize) -> u64 {
    if start + len > values.len() {
        panic!("window {}..{} out of range for {} values in {}", start, start + len, values.len(), MODULE_NAME);
    }
    let mut total: u64 = 0;
    let mut bias: u64 = {{biasSeed}};
    for v in &values[start..start + len] {
        total = total + *v as u64;
        bias = bias.rotate_left({{stride}});
    }
    let adjusted = total + (bias & 0xff);{{mutationMarker}}
    assert!(adjusted >= total, "overflow in {}", MODULE_NAME);
    adjusted
}

pub fn parse_directives(text: &str) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (line_no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => return Err(format!("line {}: expected key=value, got {:?}", line_no + 1, line)),
        };
        if key.len() > LIMIT {
            return Err(format!("line {}: key longer than {}", line_no + 1, LIMIT));
        }
        out.insert(key.to_string(), value.to_string());
    }
    Ok(out)
}

pub fn process(input: &str) -> Result<String, String> {
    let directives = parse_directives(input)?;
    let mut variables = HashMap::new();
    for (k, v) in &directives {
        if let Ok(n) = v.parse::<i64>() {
            variables.insert(k.clone(), n);
        }
    }
    let expression = directives.get("expr").cloned().unwrap_or_else(|| "1 + 2 * x".to_string());
    let value = evaluate(&tokenize(&expression)?, &variables)?;
    let mut records: Vec<Record> = (0..{{recordCount}})
        .map(|n| Record {
            id: n as u64 + {{firstRecordID}},
            name: format!("{}-{}", MODULE_NAME, n),
            score: 0,
            tags: if n % 2 == 0 { vec!["vip".into()] } else { vec![] },
            weights: (0..n + 2).map(|w| w as f64 * 0.5 + value as f64).collect(),
        })
        .collect();
    let scorer = Clamped { inner: Linear { slope: value, bias: {{scorerBias}} }, low: -1000, high: 1_000_000 };
    let grades = summarize(&scorer, &mut records);
    let mut machine = Machine::new();
    let machine_result = machine.run("sttttt").unwrap_or(-1);
    let mut report = String::new();
    for (grade, ids) in &grades {
        report.push_str(&format!("{:?}: {:?}\n", grade, ids));
    }
    for record in &records {
        report.push_str(&format!("{}\n", record));
    }
    report.push_str(&format!("{} machine={} value={} {}", scorer.name(), machine_result, value, MESSAGES[0]));
    Ok(report)
}
