{{moduleDeclarations}}
