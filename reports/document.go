package reports

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

// A document is the report's content in a form both writers render: Markdown (figures
// as files beside it) and HTML (figures inline).
type document struct{ blocks []block }

type blockKind int

const (
	headingBlock blockKind = iota
	paraBlock
	tableBlock
	listBlock
	figureBlock
)

type block struct {
	kind   blockKind
	level  int
	text   string // heading, paragraph, or figure caption
	header []string
	rows   [][]string
	items  []string
	svg    string // figure
	file   string // figure file name beside report.md
}

func (d *document) heading(level int, format string, args ...any) {
	d.blocks = append(d.blocks, block{kind: headingBlock, level: level,
		text: fmt.Sprintf(format, args...)})
}

func (d *document) para(format string, args ...any) {
	d.blocks = append(d.blocks, block{kind: paraBlock, text: fmt.Sprintf(format, args...)})
}

func (d *document) table(header []string, rows [][]string) {
	d.blocks = append(d.blocks, block{kind: tableBlock, header: header, rows: rows})
}

func (d *document) list(items []string) {
	if len(items) > 0 {
		d.blocks = append(d.blocks, block{kind: listBlock, items: items})
	}
}

func (d *document) figure(file, caption, svg string) {
	if svg != "" {
		d.blocks = append(d.blocks, block{kind: figureBlock, file: file, text: caption, svg: svg})
	}
}

// markdown renders the document; figures become image links to their files.
func (d *document) markdown() string {
	var b strings.Builder
	for _, bl := range d.blocks {
		switch bl.kind {
		case headingBlock:
			fmt.Fprintf(&b, "%s %s\n\n", strings.Repeat("#", bl.level), bl.text)
		case paraBlock:
			fmt.Fprintf(&b, "%s\n\n", bl.text)
		case tableBlock:
			b.WriteString("| " + strings.Join(escapePipes(bl.header), " | ") + " |\n")
			b.WriteString(strings.Repeat("|---", len(bl.header)) + "|\n")
			for _, r := range bl.rows {
				b.WriteString("| " + strings.Join(escapePipes(r), " | ") + " |\n")
			}
			b.WriteString("\n")
		case listBlock:
			for _, it := range bl.items {
				fmt.Fprintf(&b, "- %s\n", it)
			}
			b.WriteString("\n")
		case figureBlock:
			fmt.Fprintf(&b, "![%s](%s)\n\n*%s*\n\n", bl.text, bl.file, bl.text)
		}
	}
	return b.String()
}

func escapePipes(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return out
}

var (
	codeSpan = regexp.MustCompile("`([^`]+)`")
	boldSpan = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// inline renders the Markdown the report uses inside text (code and bold spans) as HTML.
func inline(s string) string {
	s = html.EscapeString(s)
	s = codeSpan.ReplaceAllString(s, "<code>$1</code>")
	s = boldSpan.ReplaceAllString(s, "<strong>$1</strong>")
	return strings.ReplaceAll(s, `\|`, "|")
}

const css = `body{font-family:system-ui,sans-serif;max-width:1180px;margin:24px auto;` +
	`padding:0 16px;color:#1a1a1a;line-height:1.45}` +
	`table{border-collapse:collapse;margin:8px 0 18px;font-size:13px}` +
	`th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}` +
	`th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}` +
	`code{background:#f3f3f3;padding:0 3px;border-radius:3px}` +
	`.figs{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:flex-start}` +
	`figure{display:table;margin:6px 0 14px}` +
	`figcaption{display:table-caption;caption-side:bottom;font-size:12px;color:#444}` +
	`h1{font-size:26px}h2{border-bottom:1px solid #ddd;padding-bottom:3px;margin-top:30px}`

// html renders the document as one self-contained page, figures inline.
func (d *document) html(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", html.EscapeString(title), css)
	for i, bl := range d.blocks {
		switch bl.kind {
		case headingBlock:
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", bl.level, inline(bl.text), bl.level)
		case paraBlock:
			fmt.Fprintf(&b, "<p>%s</p>\n", inline(bl.text))
		case tableBlock:
			b.WriteString("<table>\n<tr>")
			for _, h := range bl.header {
				fmt.Fprintf(&b, "<th>%s</th>", inline(h))
			}
			b.WriteString("</tr>\n")
			for _, r := range bl.rows {
				b.WriteString("<tr>")
				for _, c := range r {
					fmt.Fprintf(&b, "<td>%s</td>", inline(c))
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table>\n")
		case listBlock:
			b.WriteString("<ul>\n")
			for _, it := range bl.items {
				fmt.Fprintf(&b, "<li>%s</li>\n", inline(it))
			}
			b.WriteString("</ul>\n")
		case figureBlock:
			if i == 0 || d.blocks[i-1].kind != figureBlock {
				b.WriteString("<div class=\"figs\">\n")
			}
			fmt.Fprintf(&b, "<figure>\n%s<figcaption>%s</figcaption>\n</figure>\n", bl.svg,
				inline(bl.text))
			if i == len(d.blocks)-1 || d.blocks[i+1].kind != figureBlock {
				b.WriteString("</div>\n")
			}
		}
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}
