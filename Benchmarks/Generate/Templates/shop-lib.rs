//! A shop: {{moduleCount}} modules of prices, stock, arithmetic and text codecs.
{{moduleDeclarations}}
