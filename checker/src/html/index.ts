// The HTML report: a run's checks as one self-contained page (see page.ts).

export { checkId, HIDDEN_NOTE, renderHtmlReport, writeHtmlReport, type HtmlReportOptions } from './page.ts';
