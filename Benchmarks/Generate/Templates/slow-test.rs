
#[test]
fn t{{number}}() {
    {{check}}
    slow_step({{millis}});
}
