    #[test]
    fn t{{number}}() {
        assert_eq!(super::f{{function}}({{input}}), {{expected}});
    }
