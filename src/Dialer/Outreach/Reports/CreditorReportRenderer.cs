using System.Globalization;
using Collections.Dialer.Messaging.Letters;
using Collections.Shared.Domain;
using Collections.Shared.Reporting;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Collections.Dialer.Outreach.Reports;

/// <summary>Renders a <see cref="CreditorReport"/> as an A4 PDF: the figures of every currency on the first page, then for each
/// currency three charts drawn with XGraphics: the liquidation curve, collections by week, accounts by phase.</summary>
/// <remarks>Fonts as the printed letters have them (<see cref="DejaVuFontResolver"/>).</remarks>
public sealed class CreditorReportRenderer
{
    private const double Left = 60;
    private const double Right = 535;
    private static readonly XColor[] Palette =
    [
        XColors.DarkSlateBlue, XColors.SeaGreen, XColors.DarkOrange, XColors.Crimson, XColors.SteelBlue, XColors.Olive,
        XColors.MediumPurple, XColors.Teal, XColors.SaddleBrown, XColors.SlateGray, XColors.DeepPink, XColors.Goldenrod,
    ];

    private readonly XFont small;
    private readonly XFont normal;
    private readonly XFont bold;
    private readonly XFont title;

    public CreditorReportRenderer()
    {
        DejaVuFontResolver.Install();
        small = new XFont(DejaVuFontResolver.Family, 7);
        normal = new XFont(DejaVuFontResolver.Family, 9);
        bold = new XFont(DejaVuFontResolver.Family, 9, XFontStyleEx.Bold);
        title = new XFont(DejaVuFontResolver.Family, 14, XFontStyleEx.Bold);
    }

    /// <summary>The report as PDF bytes.</summary>
    public byte[] Render(CreditorReport report, string agencyName)
    {
        ArgumentNullException.ThrowIfNull(report);
        var culture = CultureInfo.InvariantCulture;
        using var document = new PdfDocument();
        document.Info.Title = $"Status report {report.Creditor} {report.From:yyyy-MM-dd} – {report.To:yyyy-MM-dd}";
        document.Info.Author = agencyName;

        var gfx = NewPage(document);
        gfx.DrawString(agencyName, small, XBrushes.Gray, new XRect(Left, 30, Right - Left, 10), XStringFormats.TopRight);
        gfx.DrawString($"Status report – {report.CreditorName} ({report.Creditor})", title, XBrushes.DarkSlateBlue, new XPoint(Left, 52));
        gfx.DrawString($"Period {report.From.ToString("yyyy-MM-dd", culture)} to {report.To.ToString("yyyy-MM-dd", culture)} (UTC days) · commission {report.CommissionPercent.ToString("0.##", culture)} % of amounts collected",
            normal, XBrushes.Black, new XPoint(Left, 68));
        gfx.DrawLine(new XPen(XColors.DarkSlateBlue, 0.8), Left, 76, Right, 76);

        var y = Figures(gfx, report, 92);
        if (report.Currencies.Count == 0)
        {
            gfx.DrawString("The creditor has no accounts placed by the end of the period.", normal, XBrushes.Black, new XPoint(Left, y + 20));
        }

        for (var i = 0; i < report.Currencies.Count; i++)
        {
            if (i > 0 || y > 300)
            {
                gfx = NewPage(document);
                y = 50;
            }

            Charts(gfx, report.Currencies[i], y + 10, report.Currencies.Count > 1);
        }

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private static XGraphics NewPage(PdfDocument document)
    {
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        return XGraphics.FromPdfPage(page);
    }

    private double Figures(XGraphics gfx, CreditorReport report, double y)
    {
        string Money(decimal amount, string currency) => new Money(amount, currency).Format(CultureInfo.InvariantCulture);
        var columns = report.Currencies.Select((_, i) => Right - (report.Currencies.Count - 1 - i) * 110).ToList();
        gfx.DrawString("Figures", bold, XBrushes.DarkSlateBlue, new XPoint(Left, y));
        for (var i = 0; i < report.Currencies.Count; i++)
        {
            gfx.DrawString(report.Currencies[i].Currency, bold, XBrushes.Black, new XRect(Left, y - 9, columns[i] - Left, 12), XStringFormats.TopRight);
        }

        y += 14;
        var rows = new (string Label, Func<CurrencyFigures, string> Value)[]
        {
            ("Accounts placed (by the period's end)", f => f.PlacedCount.ToString("N0", CultureInfo.InvariantCulture)),
            ("Amount placed", f => Money(f.PlacedAmount, f.Currency)),
            ("Collected in the period", f => Money(f.Collected, f.Currency)),
            ("Agency commission", f => Money(f.Commission, f.Currency)),
            ("Passed on to the creditor", f => Money(f.Remitted, f.Currency)),
            ("Collected to date", f => Money(f.CollectedToDate, f.Currency)),
            ("Recovery rate (collected to date / placed)", f => (f.RecoveryRate * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %"),
            ("Promises to pay made in the period", f => f.PromisesMade.ToString("N0", CultureInfo.InvariantCulture)),
            ("Promises due in the period and kept", f => f.PromisesKept.ToString("N0", CultureInfo.InvariantCulture)),
        };
        var shade = new XSolidBrush(XColor.FromArgb(240, 242, 248));
        for (var r = 0; r < rows.Length; r++)
        {
            if (r % 2 == 0)
            {
                gfx.DrawRectangle(shade, Left - 2, y - 9, Right - Left + 4, 13);
            }

            var font = r == 4 ? bold : normal;
            gfx.DrawString(rows[r].Label, font, XBrushes.Black, new XPoint(Left, y));
            for (var i = 0; i < report.Currencies.Count; i++)
            {
                gfx.DrawString(rows[r].Value(report.Currencies[i]), font, XBrushes.Black, new XRect(Left, y - 9, columns[i] - Left, 12), XStringFormats.TopRight);
            }

            y += 13;
        }

        return y;
    }

    private void Charts(XGraphics gfx, CurrencyFigures figures, double y, bool named)
    {
        var suffix = named ? $" ({figures.Currency})" : "";
        LiquidationChart(gfx, figures, new XRect(Left, y, Right - Left, 200), "Liquidation curve: collected / placed by months since placement" + suffix);
        WeekChart(gfx, figures, new XRect(Left, y + 230, Right - Left, 150), $"Collections by week ({figures.Currency})");
        PhaseChart(gfx, figures, new XRect(Left, y + 410, Right - Left, 170), "Accounts by phase" + suffix);
    }

    private void LiquidationChart(XGraphics gfx, CurrencyFigures figures, XRect box, string heading)
    {
        gfx.DrawString(heading, bold, XBrushes.DarkSlateBlue, new XPoint(box.Left, box.Top));
        var curves = figures.Curves.TakeLast(Palette.Length).ToList();
        var plot = new XRect(box.Left + 34, box.Top + 10, box.Width - 120, box.Height - 28);
        var maxMonths = Math.Max(1, curves.Count == 0 ? 1 : curves.Max(c => c.Rates.Count) - 1);
        var maxRate = (double)Math.Max(0.01m, curves.Count == 0 ? 0 : curves.Max(c => c.Rates.DefaultIfEmpty(0).Max()));
        maxRate = Math.Ceiling(maxRate * 20) / 20;   // a 5 % step above the highest point
        Axes(gfx, plot, maxRate, v => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %");
        for (var m = 0; m <= maxMonths; m += Math.Max(1, maxMonths / 12))
        {
            var x = plot.Left + plot.Width * m / maxMonths;
            gfx.DrawString(m.ToString(CultureInfo.InvariantCulture), small, XBrushes.Gray, new XRect(x - 10, plot.Bottom + 2, 20, 8), XStringFormats.TopCenter);
        }

        gfx.DrawString("months since placement", small, XBrushes.Gray, new XRect(plot.Left, plot.Bottom + 10, plot.Width, 8), XStringFormats.TopCenter);
        for (var i = 0; i < curves.Count; i++)
        {
            var pen = new XPen(Palette[i], 1.4);
            var points = curves[i].Rates.Select((r, m) => new XPoint(plot.Left + plot.Width * m / maxMonths, plot.Bottom - plot.Height * (double)r / maxRate)).ToArray();
            if (points.Length == 1)
            {
                gfx.DrawEllipse(new XSolidBrush(Palette[i]), points[0].X - 1.5, points[0].Y - 1.5, 3, 3);
            }
            else
            {
                gfx.DrawLines(pen, points);
            }

            var ly = plot.Top + i * 11;
            gfx.DrawLine(pen, plot.Right + 12, ly + 4, plot.Right + 26, ly + 4);
            gfx.DrawString("placed " + curves[i].PlacementMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture), small, XBrushes.Black, new XPoint(plot.Right + 30, ly + 6.5));
        }
    }

    private void WeekChart(XGraphics gfx, CurrencyFigures figures, XRect box, string heading)
    {
        gfx.DrawString(heading, bold, XBrushes.DarkSlateBlue, new XPoint(box.Left, box.Top));
        var plot = new XRect(box.Left + 60, box.Top + 10, box.Width - 60, box.Height - 28);
        var max = (double)Math.Max(1m, figures.Weeks.Count == 0 ? 0 : figures.Weeks.Max(w => w.Collected));
        Axes(gfx, plot, max, v => v.ToString("N0", CultureInfo.InvariantCulture));
        var count = Math.Max(1, figures.Weeks.Count);
        var slot = plot.Width / count;
        var brush = new XSolidBrush(XColors.SeaGreen);
        var every = Math.Max(1, (int)Math.Ceiling(count / 10.0));
        for (var i = 0; i < figures.Weeks.Count; i++)
        {
            var height = plot.Height * (double)figures.Weeks[i].Collected / max;
            gfx.DrawRectangle(brush, plot.Left + i * slot + slot * 0.15, plot.Bottom - height, slot * 0.7, height);
            if (i % every == 0)
            {
                gfx.DrawString(figures.Weeks[i].Monday.ToString("MM-dd", CultureInfo.InvariantCulture), small, XBrushes.Gray,
                    new XRect(plot.Left + i * slot - 10, plot.Bottom + 2, slot + 20, 8), XStringFormats.TopCenter);
            }
        }

        gfx.DrawString("week starting (Monday)", small, XBrushes.Gray, new XRect(plot.Left, plot.Bottom + 10, plot.Width, 8), XStringFormats.TopCenter);
    }

    private void PhaseChart(XGraphics gfx, CurrencyFigures figures, XRect box, string heading)
    {
        gfx.DrawString(heading, bold, XBrushes.DarkSlateBlue, new XPoint(box.Left, box.Top));
        var labels = 110.0;
        var max = Math.Max(1, figures.Phases.Count == 0 ? 0 : figures.Phases.Max(p => p.Accounts));
        var bar = Math.Min(14, (box.Height - 12) / Math.Max(1, figures.Phases.Count));
        var brush = new XSolidBrush(XColors.SteelBlue);
        for (var i = 0; i < figures.Phases.Count; i++)
        {
            var y = box.Top + 8 + i * bar;
            var width = (box.Width - labels - 60) * figures.Phases[i].Accounts / max;
            gfx.DrawString(figures.Phases[i].Phase, small, XBrushes.Black, new XRect(box.Left, y, labels - 6, bar), XStringFormats.CenterRight);
            gfx.DrawRectangle(brush, box.Left + labels, y + 1.5, Math.Max(0.5, width), bar - 3);
            gfx.DrawString(figures.Phases[i].Accounts.ToString("N0", CultureInfo.InvariantCulture), small, XBrushes.Black,
                new XRect(box.Left + labels + width + 4, y, 60, bar), XStringFormats.CenterLeft);
        }
    }

    private void Axes(XGraphics gfx, XRect plot, double max, Func<double, string> label)
    {
        var grid = new XPen(XColors.LightGray, 0.4);
        for (var i = 0; i <= 4; i++)
        {
            var y = plot.Bottom - plot.Height * i / 4;
            gfx.DrawLine(grid, plot.Left, y, plot.Right, y);
            gfx.DrawString(label(max * i / 4), small, XBrushes.Gray, new XRect(plot.Left - 64, y - 4, 60, 8), XStringFormats.TopRight);
        }

        gfx.DrawLine(new XPen(XColors.Black, 0.6), plot.Left, plot.Top, plot.Left, plot.Bottom);
        gfx.DrawLine(new XPen(XColors.Black, 0.6), plot.Left, plot.Bottom, plot.Right, plot.Bottom);
    }
}
