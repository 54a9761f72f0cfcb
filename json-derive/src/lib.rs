//! Derives Stagecraft's `ToJson` and `FromJson` (see `src/json/` in the main crate).
//!
//! Why not serde's derive: serde generates a visitor per type that is generic over the
//! deserializer, plus a second path for sequences, and in the wasm bundle those impls
//! and serde_json's `Value` deserializer cost about 150 KB before compression. These
//! derives write one plain function per type that reads or builds a `json::Value`, so
//! each type is compiled once and small.
//!
//! The attributes are the subset of serde's that Stagecraft uses, spelled `#[json(...)]`
//! and with serde's meaning, so files written before this change still read the same:
//! container `rename_all = "snake_case"`, `deny_unknown_fields`, `default`, `transparent`,
//! `try_from = "String"`, `into = "String"`, `tag = "..."`; field `default`,
//! `default = "path"`, `skip`. Enums are externally tagged unless `tag` is given.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Ts;
use quote::{format_ident, quote};
use syn::{parse_macro_input, Data, DeriveInput, Fields, FieldsNamed, LitStr, Type};

#[proc_macro_derive(ToJson, attributes(json))]
pub fn derive_to_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    to_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[proc_macro_derive(FromJson, attributes(json))]
pub fn derive_from_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    from_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[derive(Default)]
struct Container {
    snake: bool,
    deny: bool,
    default: bool,
    transparent: bool,
    try_from: bool,
    into: bool,
    tag: Option<String>,
}

/// A field's default when it is missing: `Default::default()` or a named function.
enum FieldDefault {
    Trait,
    Function(syn::Path),
}

#[derive(Default)]
struct FieldOpts {
    default: Option<FieldDefault>,
    skip: bool,
}

fn container(attrs: &[syn::Attribute]) -> syn::Result<Container> {
    let mut c = Container::default();
    for a in attrs.iter().filter(|a| a.path().is_ident("json")) {
        a.parse_nested_meta(|m| {
            let string = |m: &syn::meta::ParseNestedMeta| -> syn::Result<String> {
                Ok(m.value()?.parse::<LitStr>()?.value())
            };
            if m.path.is_ident("rename_all") {
                if string(&m)? != "snake_case" {
                    return Err(m.error("only rename_all = \"snake_case\" is supported"));
                }
                c.snake = true;
            } else if m.path.is_ident("deny_unknown_fields") {
                c.deny = true;
            } else if m.path.is_ident("default") {
                c.default = true;
            } else if m.path.is_ident("transparent") {
                c.transparent = true;
            } else if m.path.is_ident("try_from") || m.path.is_ident("into") {
                if string(&m)? != "String" {
                    return Err(m.error("only String is supported here"));
                }
                if m.path.is_ident("into") {
                    c.into = true;
                } else {
                    c.try_from = true;
                }
            } else if m.path.is_ident("tag") {
                c.tag = Some(string(&m)?);
            } else {
                return Err(m.error("unsupported json attribute"));
            }
            Ok(())
        })?;
    }
    Ok(c)
}

fn field_opts(attrs: &[syn::Attribute]) -> syn::Result<FieldOpts> {
    let mut f = FieldOpts::default();
    for a in attrs.iter().filter(|a| a.path().is_ident("json")) {
        a.parse_nested_meta(|m| {
            if m.path.is_ident("default") {
                f.default = Some(if m.input.peek(syn::Token![=]) {
                    let s: LitStr = m.value()?.parse()?;
                    FieldDefault::Function(s.parse()?)
                } else {
                    FieldDefault::Trait
                });
            } else if m.path.is_ident("skip") {
                f.skip = true;
            } else {
                return Err(m.error("unsupported json field attribute"));
            }
            Ok(())
        })?;
    }
    Ok(f)
}

/// serde's `snake_case` for variant names: `PauseRollout` → `pause_rollout`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.char_indices() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

fn key_of(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

fn variant_key(c: &Container, ident: &syn::Ident) -> String {
    if c.snake {
        snake(&ident.to_string())
    } else {
        ident.to_string()
    }
}

fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => {
            p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option")
        }
        _ => false,
    }
}

/// The body for a struct or an enum; unions are refused.
fn by_shape(
    input: &DeriveInput,
    c: &Container,
    structs: fn(&Container, &Fields) -> syn::Result<Ts>,
    enums: fn(&Container, &syn::DataEnum) -> syn::Result<Ts>,
) -> syn::Result<Ts> {
    match &input.data {
        Data::Struct(s) => structs(c, &s.fields),
        Data::Enum(e) => enums(c, e),
        Data::Union(u) => Err(syn::Error::new(
            u.union_token.span,
            "unions are not supported",
        )),
    }
}

// ---------------------------------------------------------------------------------------
// ToJson

fn to_json(input: &DeriveInput) -> syn::Result<Ts> {
    let c = container(&input.attrs)?;
    let name = &input.ident;
    let (ig, tg, wc) = input.generics.split_for_impl();
    let body = if c.into {
        quote! { crate::json::Value::String(<::std::string::String as ::core::convert::From<Self>>::from(::core::clone::Clone::clone(self))) }
    } else {
        by_shape(input, &c, struct_to_json, enum_to_json)?
    };
    Ok(quote! {
        impl #ig crate::json::ToJson for #name #tg #wc {
            fn to_json(&self) -> crate::json::Value { #body }
        }
    })
}

/// Statements that insert each (key, expression) into `__m`.
fn inserts(pairs: &[(String, Ts)]) -> Ts {
    let lines = pairs.iter().map(|(k, e)| {
        quote! { __m.insert(::std::string::String::from(#k), crate::json::ToJson::to_json(#e)); }
    });
    quote! { #(#lines)* }
}

fn named_pairs(
    fields: &FieldsNamed,
    access: impl Fn(&syn::Ident) -> Ts,
) -> syn::Result<Vec<(String, Ts)>> {
    let mut out = Vec::new();
    for f in &fields.named {
        if field_opts(&f.attrs)?.skip {
            continue;
        }
        let ident = f.ident.as_ref().expect("named field");
        out.push((key_of(ident), access(ident)));
    }
    Ok(out)
}

/// The field of a `transparent` struct.
fn only_field(named: &FieldsNamed) -> &syn::Ident {
    named
        .named
        .first()
        .and_then(|f| f.ident.as_ref())
        .expect("a transparent struct has one field")
}

fn struct_to_json(c: &Container, fields: &Fields) -> syn::Result<Ts> {
    Ok(match fields {
        Fields::Named(named) if c.transparent => {
            let ident = only_field(named);
            quote! { crate::json::ToJson::to_json(&self.#ident) }
        }
        Fields::Named(named) => {
            let pairs = named_pairs(named, |i| quote! { &self.#i })?;
            let ins = inserts(&pairs);
            quote! { let mut __m = crate::json::Map::new(); #ins crate::json::Value::Object(__m) }
        }
        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
            quote! { crate::json::ToJson::to_json(&self.0) }
        }
        Fields::Unnamed(u) => {
            let items = (0..u.unnamed.len()).map(syn::Index::from);
            quote! { crate::json::Value::Array(::std::vec![#(crate::json::ToJson::to_json(&self.#items)),*]) }
        }
        Fields::Unit => quote! { crate::json::Value::Null },
    })
}

fn enum_to_json(c: &Container, e: &syn::DataEnum) -> syn::Result<Ts> {
    let mut arms = Vec::new();
    for v in &e.variants {
        let ident = &v.ident;
        let key = variant_key(c, ident);
        let arm = match (&v.fields, &c.tag) {
            (Fields::Unit, None) => {
                quote! { Self::#ident => crate::json::Value::String(::std::string::String::from(#key)), }
            }
            (Fields::Unit, Some(tag)) => quote! {
                Self::#ident => {
                    let mut __m = crate::json::Map::new();
                    __m.insert(::std::string::String::from(#tag), crate::json::Value::String(::std::string::String::from(#key)));
                    crate::json::Value::Object(__m)
                }
            },
            (Fields::Named(named), tag) => {
                let binds: Vec<_> = named
                    .named
                    .iter()
                    .map(|f| f.ident.clone().expect("named"))
                    .collect();
                let pairs = named_pairs(named, |i| quote! { #i })?;
                let ins = inserts(&pairs);
                let wrap = match tag {
                    Some(tag) => quote! {
                        __m.insert(::std::string::String::from(#tag), crate::json::Value::String(::std::string::String::from(#key)));
                        crate::json::Value::Object(__m)
                    },
                    None => quote! { crate::json::tagged(#key, crate::json::Value::Object(__m)) },
                };
                quote! {
                    #[allow(unused_variables)]
                    Self::#ident { #(#binds),* } => { let mut __m = crate::json::Map::new(); #ins #wrap }
                }
            }
            (Fields::Unnamed(u), None) => {
                let binds: Vec<_> = (0..u.unnamed.len())
                    .map(|i| format_ident!("__f{}", i))
                    .collect();
                let inner = if binds.len() == 1 {
                    quote! { crate::json::ToJson::to_json(__f0) }
                } else {
                    quote! { crate::json::Value::Array(::std::vec![#(crate::json::ToJson::to_json(#binds)),*]) }
                };
                quote! { Self::#ident(#(#binds),*) => crate::json::tagged(#key, #inner), }
            }
            (Fields::Unnamed(u), Some(_)) => {
                return Err(syn::Error::new_spanned(
                    u,
                    "tuple variants of internally tagged enums are not supported",
                ))
            }
        };
        arms.push(arm);
    }
    if arms.is_empty() {
        return Ok(quote! { match *self {} });
    }
    Ok(quote! { match self { #(#arms)* } })
}

// ---------------------------------------------------------------------------------------
// FromJson

fn from_json(input: &DeriveInput) -> syn::Result<Ts> {
    let c = container(&input.attrs)?;
    let name = &input.ident;
    let (ig, tg, wc) = input.generics.split_for_impl();
    let body = if c.try_from {
        quote! {
            let __s: ::std::string::String = crate::json::FromJson::from_json(__v)?;
            <Self as ::core::convert::TryFrom<::std::string::String>>::try_from(__s).map_err(crate::json::Error::custom)
        }
    } else {
        by_shape(input, &c, struct_from_json, enum_from_json)?
    };
    Ok(quote! {
        impl #ig crate::json::FromJson for #name #tg #wc {
            fn from_json(__v: &crate::json::Value) -> ::core::result::Result<Self, crate::json::Error> { #body }
        }
    })
}

/// Reads named fields from the map `__o` and builds `construct { .. }`; returns early on
/// an error. `skip_key` is an internal tag that is not a field.
fn read_fields(
    c: &Container,
    fields: &FieldsNamed,
    construct: Ts,
    container_default: bool,
    skip_key: Option<&str>,
) -> syn::Result<Ts> {
    let mut decls = Vec::new();
    let mut arms = Vec::new();
    let mut inits = Vec::new();
    let mut names = Vec::new();
    let mut defaults = Vec::new();
    let mut required = Vec::new();
    for (i, f) in fields.named.iter().enumerate() {
        let opts = field_opts(&f.attrs)?;
        let ident = f.ident.as_ref().expect("named field");
        let ty = &f.ty;
        let key = key_of(ident);
        let slot = format_ident!("__f{}", i);
        let fallback = format_ident!("__d{}", i);
        defaults.push(quote! { #ident: #fallback });
        let missing = match (&opts.default, container_default) {
            (Some(FieldDefault::Trait), _) => quote! { ::core::default::Default::default() },
            (Some(FieldDefault::Function(p)), _) => quote! { #p() },
            (None, true) => quote! { #fallback },
            (None, false) if opts.skip => quote! { ::core::default::Default::default() },
            (None, false) if is_option(ty) => quote! { ::core::option::Option::None },
            (None, false) => {
                required.push((slot.clone(), key.clone()));
                quote! { return ::core::result::Result::Err(crate::json::Error::missing_field(#key)) }
            }
        };
        if opts.skip {
            inits.push(quote! { #ident: #missing });
            continue;
        }
        decls.push(
            quote! { let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None; },
        );
        arms.push(quote! { #key => crate::json::set(&mut #slot, __x, #key), });
        inits.push(quote! {
            #ident: match #slot { ::core::option::Option::Some(__y) => __y, ::core::option::Option::None => #missing }
        });
        names.push(key);
    }
    let skip_arm = skip_key.map(|k| quote! { #k => ::core::result::Result::Ok(()), });
    let other = if c.deny {
        quote! { __other => ::core::result::Result::Err(crate::json::Error::unknown_field(__other, &[#(#names),*])), }
    } else {
        quote! { _ => ::core::result::Result::Ok(()), }
    };
    let take_defaults = if container_default {
        quote! {
            #[allow(unused_variables)]
            let Self { #(#defaults),* } = <Self as ::core::default::Default>::default();
        }
    } else {
        quote! {}
    };
    // Every early return happens while all slots are still in place, so the compiler emits
    // one clean-up path per type instead of one per field (a large share of code size).
    let checks = required.iter().map(|(slot, key)| {
        quote! { if #slot.is_none() { return ::core::result::Result::Err(crate::json::Error::missing_field(#key)); } }
    });
    Ok(quote! {
        #(#decls)*
        for (__k, __x) in __o.iter() {
            let __r: ::core::result::Result<(), crate::json::Error> = match __k.as_str() {
                #(#arms)*
                #skip_arm
                #other
            };
            __r?;
        }
        #(#checks)*
        #take_defaults
        ::core::result::Result::Ok(#construct { #(#inits),* })
    })
}

fn struct_from_json(c: &Container, fields: &Fields) -> syn::Result<Ts> {
    let what = match fields {
        Fields::Unnamed(u) => format!("a list of {} values", u.unnamed.len()),
        _ => "an object { … }".to_string(),
    };
    Ok(match fields {
        Fields::Named(named) if c.transparent => {
            let ident = only_field(named);
            quote! { ::core::result::Result::Ok(Self { #ident: crate::json::FromJson::from_json(__v)? }) }
        }
        Fields::Named(named) => {
            let read = read_fields(c, named, quote! { Self }, c.default, None)?;
            quote! { let __o = crate::json::object(__v, #what)?; #read }
        }
        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
            quote! { ::core::result::Result::Ok(Self(crate::json::FromJson::from_json(__v)?)) }
        }
        Fields::Unnamed(u) => {
            let n = u.unnamed.len();
            let items = (0..n).map(|i| quote! { crate::json::item(&__a[#i], #i)? });
            quote! { let __a = crate::json::array(__v, #n, #what)?; ::core::result::Result::Ok(Self(#(#items),*)) }
        }
        Fields::Unit => quote! { ::core::result::Result::Ok(Self) },
    })
}

fn enum_from_json(c: &Container, e: &syn::DataEnum) -> syn::Result<Ts> {
    let keys: Vec<String> = e
        .variants
        .iter()
        .map(|v| variant_key(c, &v.ident))
        .collect();
    let all_unit = e.variants.iter().all(|v| matches!(v.fields, Fields::Unit));
    let what = match (&c.tag, all_unit) {
        (Some(tag), _) => format!("an object {{ \"{tag}\": … }}"),
        (None, true) => format!("one of: {}", keys.join(", ")),
        (None, false) => format!("a kind, one of: {}", keys.join(", ")),
    };
    let mut arms = Vec::new();
    for (v, key) in e.variants.iter().zip(&keys) {
        let ident = &v.ident;
        let arm = match (&v.fields, &c.tag) {
            (Fields::Unit, _) => quote! { #key => ::core::result::Result::Ok(Self::#ident), },
            (Fields::Named(named), Some(tag)) => {
                let read = read_fields(c, named, quote! { Self::#ident }, false, Some(tag))?;
                quote! { #key => { #read } }
            }
            (Fields::Named(named), None) => {
                let read = read_fields(c, named, quote! { Self::#ident }, false, None)?;
                let shape = format!("{{\"{key}\": {{ … }}}}");
                quote! {
                    #key => (|| -> ::core::result::Result<Self, crate::json::Error> {
                        let __o = crate::json::object(crate::json::content(__x, #key, #shape)?, "an object { … }")?;
                        #read
                    })().map_err(|__e| __e.inside(#key)),
                }
            }
            (Fields::Unnamed(u), None) if u.unnamed.len() == 1 => {
                let shape = format!("{{\"{key}\": …}}");
                quote! { #key => ::core::result::Result::Ok(Self::#ident(crate::json::field(crate::json::content(__x, #key, #shape)?, #key)?)), }
            }
            (Fields::Unnamed(u), None) => {
                let n = u.unnamed.len();
                let shape = format!("{{\"{key}\": [ … ]}}");
                let what = format!("a list of {n} values");
                let items = (0..n).map(|i| quote! { crate::json::item(&__a[#i], #i)? });
                quote! {
                    #key => (|| -> ::core::result::Result<Self, crate::json::Error> {
                        let __a = crate::json::array(crate::json::content(__x, #key, #shape)?, #n, #what)?;
                        ::core::result::Result::Ok(Self::#ident(#(#items),*))
                    })().map_err(|__e| __e.inside(#key)),
                }
            }
            (Fields::Unnamed(u), Some(_)) => {
                return Err(syn::Error::new_spanned(
                    u,
                    "tuple variants of internally tagged enums are not supported",
                ))
            }
        };
        arms.push(arm);
    }
    let head = match &c.tag {
        Some(tag) => quote! {
            let __o = crate::json::object(__v, #what)?;
            let __k = crate::json::tag(__o, #tag)?;
        },
        None => quote! {
            #[allow(unused_variables)]
            let (__k, __x) = crate::json::variant(__v, #what)?;
        },
    };
    Ok(quote! {
        #head
        match __k {
            #(#arms)*
            __other => ::core::result::Result::Err(crate::json::Error::unknown_variant(__other, &[#(#keys),*])),
        }
    })
}
