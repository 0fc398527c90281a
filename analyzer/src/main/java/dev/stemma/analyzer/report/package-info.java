/**
 * The HTML attribution report ({@link dev.stemma.analyzer.report.HtmlReport}): one self-contained
 * page (images inlined as PNG data, charts as inline SVG) that opens offline.
 */
package dev.stemma.analyzer.report;
