// The style sheet of index.html, inline in the page: system fonts only,
// contrast of at least 4.5:1 for text, and a print layout (preformatted
// text wraps instead of being cut at the page's edge).
#pragma once

namespace vmsupport {

inline constexpr const char* k_report_css = R"(:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#fff;--head:#f6f8fa;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#0d2a4a;color:#fff;padding:1.2rem 2rem .6rem}
header h1{margin:0;font-size:1.45rem;font-weight:600;word-break:break-all}
header .subtitle{margin:.25rem 0 .3rem;color:#d6e4f5}
header .status{margin:0 0 .6rem;color:#fff}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem}
nav a{color:#fff;text-decoration:none;border-bottom:2px solid transparent}
nav a:hover,nav a:focus{border-bottom-color:#9cc3ee}
main{max-width:1200px;margin:0 auto;padding:0 2rem 2rem}
section{margin-top:2rem}
h2{font-size:1.25rem;border-bottom:1px solid var(--line);padding-bottom:.3rem;margin:0 0 .8rem}
h3{font-size:1.05rem;margin:1.2rem 0 .5rem}
a{color:var(--accent)}
code,pre{font-family:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.85rem}
pre{background:var(--head);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;overflow-x:auto;margin:.4rem 0}
table{border-collapse:collapse;margin:.3rem 0}
table.facts th{text-align:left;font-weight:600;color:var(--muted);padding:.15rem 1.5rem .15rem 0;vertical-align:top;white-space:nowrap}
table.facts td{padding:.15rem 0;word-break:break-word}
table.grid{width:100%;font-size:.9rem}
table.grid caption{text-align:left;color:var(--muted);padding-bottom:.3rem}
table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
table.grid thead th{background:var(--head);position:sticky;top:0}
table.grid tbody th{font-weight:500}
td.reason{color:#6e2a00;min-width:16rem;overflow-wrap:anywhere}
table.grid tbody th{min-width:14rem;overflow-wrap:anywhere}
.num{text-align:right!important;white-space:nowrap}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;font-weight:600;white-space:nowrap;border:1px solid}
.s-ok{background:#dafbe1;color:#0f5323;border-color:#8ddb9f}
.s-skipped{background:#eef1f4;color:#424a53;border-color:#c4ccd4}
.s-truncated{background:#fff4d4;color:#6b4700;border-color:#e5c46b}
.s-failed,.s-timed_out{background:#ffe3e0;color:#8c1111;border-color:#f3a59d}
tr.r-failed,tr.r-timed_out{background:#fff8f7}
.counts .badge{margin-right:.1rem}
.alert{background:#ffe3e0;border:1px solid #f3a59d;padding:.5rem .8rem;border-radius:6px}
details{margin:.4rem 0}
details>summary{cursor:pointer;font-weight:500}
details.diff{border:1px solid var(--line);border-radius:6px;padding:.3rem .7rem}
details.diff pre{border:0;padding:.3rem 0;background:none}
.stat{font-weight:400;color:var(--muted)}
pre.diff span{display:block;min-height:1.3em;white-space:pre}
pre.diff .add{background:#e6ffec;color:#0f5323}
pre.diff .del{background:#ffebe9;color:#8c1111}
pre.diff .hunk{color:#4a2b8a;background:#f3efff}
pre.diff .file{color:var(--muted);font-weight:600}
.stat .add{color:#0f5323}.stat .del{color:#8c1111}
p.member{margin:.2rem 0 .3rem;font-size:.85rem}
article.core{border-left:4px solid #c4ccd4;padding-left:1rem;margin:1rem 0}
article.core h3{margin-top:0}
figure{margin:1rem 0}
figure img{max-width:100%;height:auto;border:1px solid var(--line)}
figcaption{font-size:.85rem;color:var(--muted)}
ul.plain{margin:.3rem 0;padding-left:1.2rem;font-family:ui-monospace,monospace;font-size:.85rem}
table.files td:first-child{word-break:break-all}
footer{max-width:1200px;margin:0 auto;padding:1rem 2rem 2rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
@media print{
 header{background:none;color:#000;padding:0}
 header .subtitle,header .status{color:#000}
 pre,pre.diff span{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}
 details.diff pre{max-height:none}
 nav{display:none}
 main,footer{max-width:none;padding:0}
 body{font-size:10pt}
 a{color:inherit;text-decoration:none}
 table.grid thead th{position:static}
 tr,pre span,figure{break-inside:avoid}
 h2,h3{break-after:avoid}
 .badge,tr.r-failed,tr.r-timed_out,pre.diff span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
)";

}  // namespace vmsupport
