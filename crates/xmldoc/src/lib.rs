//! A small, safe, zero-copy XML tree for reading documents that come from outside: public
//! procurement notices and e-invoices.
//!
//! Built in one pass over quick-xml's events: element names, raw attributes and (mostly) text
//! borrow from the input, so a tree costs one `Vec` push per element. No DTD is accepted, so no
//! external entity is fetched and no entity is expanded; only the five predefined entities and
//! character references are resolved. Each node remembers its byte offset, from which errors and
//! warnings give line numbers, and whether a reader used it, from which the unread elements are
//! reported instead of dropped silently.

use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;

/// What was wrong with a document's XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("not well-formed XML: {0}")]
    Malformed(String),
    #[error("a document type declaration (DTD) is not accepted")]
    Dtd,
    #[error("the entity &{0}; is not one of XML's predefined entities")]
    Entity(String),
    #[error("elements nest deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// Why a document could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}{}: {kind}", if element.is_empty() { String::new() } else { format!(" in {element}") })]
pub struct XmlError {
    pub file: String,
    pub line: usize,
    /// The path of the element being read, e.g. `/Finvoice/InvoiceRow`.
    pub element: String,
    pub kind: ErrorKind,
}

const NONE: u32 = u32::MAX;

/// The deepest nesting accepted; real notices stay under 20.
pub const MAX_DEPTH: usize = 128;

/// Why [`read_bounded`] gave no bytes.
#[derive(Debug)]
pub enum BoundedError {
    /// The file is larger than the limit; nothing of it past the limit was read.
    TooLarge,
    Io(std::io::Error),
}

/// A file's bytes, refused by its size before they are read: what every reader of files from
/// outside uses, so that a file over the limit never occupies more memory than the limit.
pub fn read_bounded(path: &std::path::Path, max: u64) -> Result<Vec<u8>, BoundedError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(BoundedError::Io)?;
    let len = file.metadata().map_err(BoundedError::Io)?.len();
    if len > max {
        return Err(BoundedError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The file may grow between the size check and the read: never read past the limit.
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(BoundedError::Io)?;
    if bytes.len() as u64 > max {
        return Err(BoundedError::TooLarge);
    }
    Ok(bytes)
}

/// The hashes in `unread` are already well mixed: use them as they are.
#[derive(Default)]
struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type BuildIdentity = std::hash::BuildHasherDefault<Identity>;

const USED: u8 = 1;
/// The whole subtree was read as text.
const DEEP: u8 = 2;

/// 64 bytes: names and attributes are offsets into the source rather than slices, so that a
/// tree of a large notice stays in cache.
struct Node<'a> {
    /// The qualified name: `src[name_at..name_at + name_len]`.
    name_at: u32,
    name_len: u16,
    /// Where the local name starts within the name (after the prefix and colon).
    local_at: u16,
    attrs_at: u32,
    attrs_len: u32,
    text: Cow<'a, str>,
    /// Where the element starts within its parent's text (bytes of the parent's text before it):
    /// what puts an inline element of mixed content (`n<FT TYPE="SUP">o</FT> 2016`) back in
    /// its place.
    at: u32,
    parent: u32,
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
    pos: u32,
}

/// A parsed document.
pub struct Doc<'a> {
    src: &'a str,
    file: &'a str,
    nodes: Vec<Node<'a>>,
    used: Vec<Cell<u8>>,
    lines: OnceCell<Vec<usize>>,
    line_calls: Cell<u32>,
}

/// An element of a [`Doc`]; cheap to copy.
#[derive(Clone, Copy)]
pub struct El<'d, 'a> {
    doc: &'d Doc<'a>,
    idx: u32,
}

fn resolve_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// The part of `src` that `part` is a view of. quick-xml's str reader hands out views of its
/// input, so this finds the same bytes with the input's lifetime, without copying.
fn view_of<'a>(src: &'a str, part: &[u8]) -> Option<&'a str> {
    let base = src.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    if p >= base && p + part.len() <= base + src.len() {
        src.get(p - base..p - base + part.len())
    } else {
        None
    }
}

fn line_of(src: &str, pos: usize) -> usize {
    count_newlines(&src.as_bytes()[..pos.min(src.len())]) + 1
}

fn count_newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

impl<'a> Doc<'a> {
    /// Parses `src`; `file` names it in errors.
    pub fn parse(src: &'a str, file: &'a str) -> Result<Doc<'a>, XmlError> {
        let mut reader = Reader::from_str(src);
        reader.config_mut().check_end_names = true;
        let mut doc = Doc {
            src,
            file,
            // Real notices have an element per 30 to 60 bytes: sized from the length alone
            // (a pass counting tags costs more than the rare growth it saves).
            nodes: Vec::with_capacity(src.len() / 32 + 16),
            used: Vec::new(),
            lines: OnceCell::new(),
            line_calls: Cell::new(0),
        };
        let mut stack: Vec<u32> = Vec::with_capacity(32);
        let mut seen_root = false;
        loop {
            let pos = reader.buffer_position() as usize;
            // One match on the result, so that the event is not first moved out of it.
            match reader.read_event() {
                Err(e) => {
                    let at = reader.error_position() as usize;
                    return Err(doc.error_at(at, &stack, ErrorKind::Malformed(e.to_string())));
                }
                Ok(Event::Start(e)) => doc.open(&e, pos, &mut stack, &mut seen_root, true)?,
                Ok(Event::Empty(e)) => doc.open(&e, pos, &mut stack, &mut seen_root, false)?,
                Ok(Event::End(_)) => {
                    stack.pop();
                }
                Ok(Event::Text(t)) => {
                    let raw = t.into_inner();
                    match stack.last() {
                        // Indentation between elements carries nothing; skipping it spares every
                        // container a string built from its whitespace. Within text that has
                        // begun (mixed content), a space between two inline elements is kept.
                        Some(&cur)
                            if doc.nodes[cur as usize].text.is_empty()
                                && raw.bytes().all(|b| b.is_ascii_whitespace()) => {}
                        Some(&cur) => doc.append_text(cur, raw),
                        None if raw.trim().is_empty() => {}
                        None => {
                            return Err(doc.error_at(
                                pos,
                                &stack,
                                ErrorKind::Malformed("text outside the root element".into()),
                            ))
                        }
                    }
                }
                Ok(Event::CData(c)) => {
                    if let Some(&cur) = stack.last() {
                        doc.append_text(cur, c.into_inner());
                    }
                }
                Ok(Event::GeneralRef(r)) => {
                    let name = r.into_inner();
                    let Some(ch) = resolve_entity(&name) else {
                        return Err(doc.error_at(
                            pos,
                            &stack,
                            ErrorKind::Entity(name.into_owned()),
                        ));
                    };
                    if let Some(&cur) = stack.last() {
                        let mut buf = [0u8; 4];
                        doc.append_text(cur, Cow::Owned(ch.encode_utf8(&mut buf).to_owned()));
                    }
                }
                Ok(Event::DocType(_)) => return Err(doc.error_at(pos, &stack, ErrorKind::Dtd)),
                Ok(Event::Decl(_) | Event::PI(_) | Event::Comment(_)) => {}
                Ok(Event::Eof) => break,
            }
        }
        if let Some(&open) = stack.last() {
            let at = doc.nodes[open as usize].pos as usize;
            return Err(doc.error_at(
                at,
                &stack,
                ErrorKind::Malformed("the document ends inside this element".into()),
            ));
        }
        if doc.nodes.is_empty() {
            return Err(doc.error_at(0, &stack, ErrorKind::Malformed("no root element".into())));
        }
        doc.used = (0..doc.nodes.len()).map(|_| Cell::new(0)).collect();
        Ok(doc)
    }

    fn open(
        &mut self,
        e: &quick_xml::events::BytesStart<'_>,
        pos: usize,
        stack: &mut Vec<u32>,
        seen_root: &mut bool,
        is_start: bool,
    ) -> Result<(), XmlError> {
        let src = self.src;
        let base = src.as_ptr() as usize;
        let name = e.name();
        let qname = view_of(src, name.as_ref().as_bytes()).ok_or_else(|| {
            self.error_at(pos, stack, ErrorKind::Malformed("element name".into()))
        })?;
        let attrs = view_of(src, e.attributes_raw().as_bytes()).unwrap_or("");
        if qname.len() > usize::from(u16::MAX) || src.len() > u32::MAX as usize {
            return Err(self.error_at(pos, stack, ErrorKind::Malformed("name too long".into())));
        }
        let idx = self.nodes.len() as u32;
        let parent = match stack.last() {
            Some(p) => *p,
            None if *seen_root => {
                return Err(self.error_at(
                    pos,
                    stack,
                    ErrorKind::Malformed("a second root element".into()),
                ))
            }
            None => NONE,
        };
        *seen_root = true;
        let at = if parent == NONE {
            0
        } else {
            self.nodes[parent as usize].text.len() as u32
        };
        self.nodes.push(Node {
            name_at: (qname.as_ptr() as usize - base) as u32,
            name_len: qname.len() as u16,
            // Names are short: a plain scan beats a vectorised search here.
            local_at: qname
                .bytes()
                .position(|b| b == b':')
                .map(|i| i + 1)
                .unwrap_or(0) as u16,
            attrs_at: if attrs.is_empty() {
                0
            } else {
                (attrs.as_ptr() as usize - base) as u32
            },
            attrs_len: attrs.len() as u32,
            text: Cow::Borrowed(""),
            at,
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            pos: pos as u32,
        });
        if parent != NONE {
            let last = self.nodes[parent as usize].last_child;
            if last == NONE {
                self.nodes[parent as usize].first_child = idx;
            } else {
                self.nodes[last as usize].next_sibling = idx;
            }
            self.nodes[parent as usize].last_child = idx;
        }
        if is_start {
            stack.push(idx);
            if stack.len() > MAX_DEPTH {
                return Err(self.error_at(pos, stack, ErrorKind::TooDeep));
            }
        }
        Ok(())
    }

    fn qname_of(&self, i: u32) -> &'a str {
        let n = &self.nodes[i as usize];
        let at = n.name_at as usize;
        self.src.get(at..at + usize::from(n.name_len)).unwrap_or("")
    }

    fn append_text(&mut self, idx: u32, s: Cow<'a, str>) {
        let n = &mut self.nodes[idx as usize];
        if n.text.is_empty() {
            n.text = s;
        } else {
            n.text.to_mut().push_str(&s);
        }
    }

    fn error_at(&self, pos: usize, stack: &[u32], kind: ErrorKind) -> XmlError {
        let element: Vec<&str> = stack.iter().map(|i| self.qname_of(*i)).collect();
        XmlError {
            file: self.file.to_owned(),
            line: line_of(self.src, pos),
            element: if element.is_empty() {
                String::new()
            } else {
                format!("/{}", element.join("/"))
            },
            kind,
        }
    }

    pub fn root(&self) -> El<'_, 'a> {
        El { doc: self, idx: 0 }
    }

    pub fn file(&self) -> &'a str {
        self.file
    }

    /// The 1-based line of a byte offset. The first few are counted directly; a document
    /// asked for many gets an index of its newlines.
    pub fn line(&self, pos: usize) -> usize {
        if let Some(lines) = self.lines.get() {
            return lines.partition_point(|&nl| nl < pos) + 1;
        }
        let asked = self.line_calls.get() + 1;
        self.line_calls.set(asked);
        if asked <= 8 {
            return line_of(self.src, pos);
        }
        let lines = self
            .lines
            .get_or_init(|| memchr::memchr_iter(b'\n', self.src.as_bytes()).collect());
        lines.partition_point(|&nl| nl < pos) + 1
    }

    /// Elements no reader looked at that carry content of their own (text, or nothing at all
    /// for a flag element): what the reader did not understand. One entry per distinct path,
    /// with the first line and the count.
    pub fn unread(&self) -> Vec<(String, usize, usize)> {
        let mut out: Vec<(String, usize, usize)> = Vec::new();
        // One forward pass: parents come before their children, so whether an ancestor was
        // read as a whole follows from the parent. Paths are hashed only for the elements
        // reported, memoised up the tree, so that a repeated element costs no string and each
        // distinct path is built once.
        let n = self.nodes.len();
        let mut covered = vec![false; n];
        let mut hash = vec![0u64; n];
        let mut index: HashMap<u64, usize, BuildIdentity> = HashMap::default();
        for (i, node) in self.nodes.iter().enumerate() {
            let parent_covered = node.parent != NONE && {
                let p = node.parent as usize;
                covered[p] || self.used[p].get() & DEEP != 0
            };
            covered[i] = parent_covered;
            if self.used[i].get() != 0 || parent_covered {
                continue;
            }
            let has_content = node.first_child == NONE || !node.text.trim().is_empty();
            if !has_content {
                continue;
            }
            let h = self.path_hash(i as u32, &mut hash);
            match index.get(&h) {
                Some(&k) => out[k].2 += 1,
                None => {
                    index.insert(h, out.len());
                    let path = El {
                        doc: self,
                        idx: i as u32,
                    }
                    .path();
                    // The line is filled in below, in one sweep for all entries.
                    out.push((path, node.pos as usize, 1));
                }
            }
        }
        if self.lines.get().is_some() {
            for e in &mut out {
                e.1 = self.line(e.1);
            }
            return out;
        }
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by_key(|&k| out[k].1);
        let (mut at, mut line) = (0usize, 1usize);
        let bytes = self.src.as_bytes();
        for k in order {
            let pos = out[k].1.min(bytes.len());
            line += count_newlines(&bytes[at..pos]);
            at = pos;
            out[k].1 = line;
        }
        out
    }

    /// A hash of the names from the root down to `i`, memoised in `memo` (0 = not yet).
    fn path_hash(&self, i: u32, memo: &mut [u64]) -> u64 {
        if memo[i as usize] != 0 {
            return memo[i as usize];
        }
        let parent = self.nodes[i as usize].parent;
        let mut h = if parent == NONE {
            0xcbf2_9ce4_8422_2325
        } else {
            self.path_hash(parent, memo)
        };
        // Eight bytes at a time: names are a few words long.
        h = (h.rotate_left(5) ^ 0x2f).wrapping_mul(0x517c_c1b7_2722_0a95);
        for chunk in self.qname_of(i).as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        let h = h.max(1);
        memo[i as usize] = h;
        h
    }

    /// How many elements the document has.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

impl<'d, 'a> El<'d, 'a> {
    fn node(&self) -> &'d Node<'a> {
        &self.doc.nodes[self.idx as usize]
    }

    fn mark(&self, flag: u8) {
        if let Some(c) = self.doc.used.get(self.idx as usize) {
            c.set(c.get() | flag);
        }
    }

    /// Marks the element as understood without reading it (a container whose meaning is its
    /// presence).
    pub fn touch(&self) -> Self {
        self.mark(USED);
        *self
    }

    /// Marks the element and everything below it as understood.
    pub fn touch_all(&self) -> Self {
        self.mark(USED | DEEP);
        *self
    }

    /// The local name, without namespace prefix.
    pub fn name(&self) -> &'a str {
        let n = self.node();
        self.doc
            .qname_of(self.idx)
            .get(usize::from(n.local_at)..)
            .unwrap_or("")
    }

    /// The name as written, with its prefix.
    pub fn qname(&self) -> &'a str {
        self.doc.qname_of(self.idx)
    }

    pub fn line(&self) -> usize {
        self.doc.line(self.node().pos as usize)
    }

    /// `/ROOT/CHILD/…` with the names as written.
    pub fn path(&self) -> String {
        let mut chain = [0u32; MAX_DEPTH + 1];
        let mut depth = 0;
        let mut len = 0;
        let mut i = self.idx;
        while i != NONE && depth < chain.len() {
            chain[depth] = i;
            depth += 1;
            len += 1 + usize::from(self.doc.nodes[i as usize].name_len);
            i = self.doc.nodes[i as usize].parent;
        }
        let mut out = String::with_capacity(len);
        for &i in chain[..depth].iter().rev() {
            out.push('/');
            out.push_str(self.doc.qname_of(i));
        }
        out
    }

    /// The element's own text, trimmed; marks it read.
    pub fn text(&self) -> &'d str {
        self.mark(USED);
        self.node().text.trim()
    }

    /// The text, or `None` when empty.
    pub fn text_opt(&self) -> Option<&'d str> {
        let t = self.text();
        (!t.is_empty()).then_some(t)
    }

    /// All text below the element, children's texts on their own lines (TED's `<P>` paragraphs).
    /// An element inside text (mixed content: `n<FT TYPE="SUP">o</FT> 2016-360`) stays in its
    /// place within the line. Marks the whole subtree read.
    pub fn deep_text(&self) -> String {
        self.deep_text_with(|_, _| None)
    }

    /// As [`El::deep_text`], with `inline` choosing the text of an element inside text (TED
    /// writes superscripts as `<FT TYPE="SUP">`); `None` keeps the element's own text.
    pub fn deep_text_with(&self, inline: impl Fn(El<'d, 'a>, &str) -> Option<String>) -> String {
        self.mark(USED | DEEP);
        // A leaf's text is the common case: one string, trimmed, with no second pass.
        if self.node().first_child == NONE {
            return self.node().text.trim().to_owned();
        }
        let mut out = String::new();
        self.collect_text(&mut out, &inline);
        // Trimmed in place: the text is not copied again.
        let end = out.trim_end().len();
        out.truncate(end);
        let start = out.len() - out.trim_start().len();
        out.drain(..start);
        out
    }

    fn collect_text(&self, out: &mut String, inline: &dyn Fn(El<'d, 'a>, &str) -> Option<String>) {
        let text: &str = &self.node().text;
        if !text.trim().is_empty() && self.node().first_child != NONE {
            // Mixed content: the text with each child at its place, on one line.
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            let mut line = String::with_capacity(text.len());
            let mut from = 0;
            for c in self.children() {
                let at = (c.node().at as usize).min(text.len());
                line.push_str(text.get(from..at).unwrap_or(""));
                from = at.max(from);
                let mut inner = String::new();
                c.collect_text(&mut inner, inline);
                let inner = inner.split_whitespace().collect::<Vec<_>>().join(" ");
                match inline(c, &inner) {
                    Some(t) => line.push_str(&t),
                    // An empty element inside text (a line break) parts the words around it.
                    None if inner.is_empty() => {
                        if !line.ends_with(char::is_whitespace) {
                            line.push(' ');
                        }
                    }
                    None => line.push_str(&inner),
                }
            }
            line.push_str(text.get(from..).unwrap_or(""));
            out.push_str(line.trim());
            // A paragraph of its own, as a leaf's text is.
            out.push('\n');
            return;
        }
        let own = text.trim();
        if !own.is_empty() {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(own);
        }
        for c in self.children() {
            c.collect_text(out, inline);
            if c.node().first_child == NONE && !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
        }
    }

    /// An attribute's value by local name (prefix ignored), entities resolved; marks the
    /// element read.
    pub fn attr(&self, name: &str) -> Option<Cow<'a, str>> {
        self.find_attr(|key| key.rsplit(':').next().unwrap_or(key) == name)
    }

    /// An attribute's value by its name as written, prefix included (`xmlns:cbc`); marks the
    /// element read.
    pub fn raw_attr(&self, qname: &str) -> Option<Cow<'a, str>> {
        self.find_attr(|key| key == qname)
    }

    fn find_attr(&self, wanted: impl Fn(&str) -> bool) -> Option<Cow<'a, str>> {
        self.mark(USED);
        let n = self.node();
        let at = n.attrs_at as usize;
        let raw = self
            .doc
            .src
            .get(at..at + n.attrs_len as usize)
            .unwrap_or("");
        let mut rest = raw;
        loop {
            rest = rest.trim_start();
            let eq = rest.find('=')?;
            let key = rest[..eq].trim();
            let after = rest[eq + 1..].trim_start();
            let quote = after.chars().next()?;
            if quote != '"' && quote != '\'' {
                return None;
            }
            let end = after[1..].find(quote)? + 1;
            let value = &after[1..end];
            if wanted(key) {
                return Some(unescape(value));
            }
            rest = &after[end + 1..];
        }
    }

    pub fn parent(&self) -> Option<El<'d, 'a>> {
        let p = self.node().parent;
        (p != NONE).then_some(El {
            doc: self.doc,
            idx: p,
        })
    }

    pub fn children(&self) -> Children<'d, 'a> {
        Children {
            doc: self.doc,
            next: self.node().first_child,
        }
    }

    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<El<'d, 'a>> {
        self.children().find(|c| c.name() == name)
    }

    /// Children with this local name.
    pub fn children_named<'n>(&self, name: &'n str) -> impl Iterator<Item = El<'d, 'a>> + 'n
    where
        'd: 'n,
        'a: 'n,
    {
        self.children().filter(move |c| c.name() == name)
    }

    /// The first element at a path of local names below this one, e.g. `"a/b/c"`. Containers
    /// passed through are marked used.
    pub fn at(&self, path: &str) -> Option<El<'d, 'a>> {
        let mut cur = *self;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            cur = cur.child(part)?;
            cur.mark(USED);
        }
        Some(cur)
    }

    /// Every element at a path of local names below this one.
    pub fn all(&self, path: &str) -> Vec<El<'d, 'a>> {
        let mut cur = vec![*self];
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let mut next = Vec::new();
            for c in &cur {
                for ch in c.children_named(part) {
                    ch.mark(USED);
                    next.push(ch);
                }
            }
            cur = next;
        }
        cur
    }

    /// The text at a path, if any.
    pub fn text_at(&self, path: &str) -> Option<&'d str> {
        self.at(path).and_then(|e| e.text_opt())
    }

    /// Every descendant with this local name, in document order.
    pub fn descendants(&self, name: &str) -> Vec<El<'d, 'a>> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if e.name() == name {
                out.push(e);
            }
        });
        out
    }

    fn walk(&self, f: &mut dyn FnMut(El<'d, 'a>)) {
        for c in self.children() {
            f(c);
            c.walk(f);
        }
    }
}

pub struct Children<'d, 'a> {
    doc: &'d Doc<'a>,
    next: u32,
}

impl<'d, 'a> Iterator for Children<'d, 'a> {
    type Item = El<'d, 'a>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.next == NONE {
            return None;
        }
        let e = El {
            doc: self.doc,
            idx: self.next,
        };
        self.next = self.doc.nodes[self.next as usize].next_sibling;
        Some(e)
    }
}

/// Resolves the predefined entities and character references of an attribute value.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after
            .find(';')
            .and_then(|j| resolve_entity(&after[..j]).map(|c| (c, j)))
        {
            Some((c, j)) => {
                out.push(c);
                rest = &after[j + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}
