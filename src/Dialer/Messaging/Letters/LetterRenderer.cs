using System.Globalization;
using Collections.Shared.Domain;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;

namespace Collections.Dialer.Messaging.Letters;

/// <summary>Renders reminders, second reminders and final demands as A4 PDF with a window-envelope address block (DIN 5008 layout).</summary>
public sealed class LetterRenderer
{
    private const double Left = 70;     // 25 mm
    private const double Right = 540;   // 20 mm from the right edge of 595 pt
    private const double Bottom = 780;

    private readonly XFont small;
    private readonly XFont normal;
    private readonly XFont bold;
    private readonly XFont title;

    public LetterRenderer()
    {
        DejaVuFontResolver.Install();
        small = new XFont(DejaVuFontResolver.Family, 7.5);
        normal = new XFont(DejaVuFontResolver.Family, 9.5);
        bold = new XFont(DejaVuFontResolver.Family, 9.5, XFontStyleEx.Bold);
        title = new XFont(DejaVuFontResolver.Family, 13, XFontStyleEx.Bold);
    }

    /// <summary>The letter as PDF bytes.</summary>
    /// <exception cref="LetterTextException">The letter's language has no text for its kind: nothing is printed in another.</exception>
    public byte[] Render(LetterModel model)
    {
        var texts = LetterTexts.For(model.Language) ?? throw new LetterTextException($"letters are not written in '{model.Language}' (no letter texts)");
        if (!texts.Covers(model.Kind, model.SuspensionWarning))
        {
            throw new LetterTextException($"no '{model.Language}' text for the {model.Kind} letter{(model.Kind == LetterKind.FinalDemand && !model.SuspensionWarning ? " without the suspension warning" : "")}");
        }

        var confirmation = model.Kind is LetterKind.SettlementConfirmation or LetterKind.InstalmentPlanConfirmation;
        var letterTitle = texts.Title(model.Kind, model.SuspensionWarning)!;
        var culture = CultureInfo.GetCultureInfo(texts.Culture);
        string Money(decimal amount) => new Money(amount, model.Currency).Format(culture);
        string Date(NodaTime.LocalDate date) => date.ToString("d", culture);

        using var document = new PdfDocument();
        document.Info.Title = $"{letterTitle} {model.Reference}";
        document.Info.Author = model.Agency.Name;
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        var gfx = XGraphics.FromPdfPage(page);
        var y = 50.0;

        // Letterhead: the agency on the right, its registration under it (RDG § 11a: the collector names itself).
        gfx.DrawString(model.Agency.Name, title, XBrushes.DarkSlateBlue, new XPoint(Left, y));
        var agencyLines = new[] { $"{model.Agency.Street}, {model.Agency.PostalCode} {model.Agency.City}", model.Agency.Phone, model.Agency.Email, model.Agency.Registration ?? "" };
        var ay = y - 8;
        foreach (var line in agencyLines.Where(l => l.Length > 0))
        {
            gfx.DrawString(line, small, XBrushes.Gray, new XRect(Left, ay, Right - Left, 10), XStringFormats.TopRight);
            ay += 9;
        }

        gfx.DrawLine(new XPen(XColors.DarkSlateBlue, 0.8), Left, 92, Right, 92);

        // Address window of a DL envelope (DIN 5008 form B: 45 mm from the top).
        y = 128;
        gfx.DrawString($"{model.Agency.Name} · {model.Agency.Street} · {model.Agency.PostalCode} {model.Agency.City}", small, XBrushes.Gray, new XPoint(Left, y));
        y += 16;
        foreach (var line in new[] { model.DebtorName }.Concat(model.DebtorAddress))
        {
            gfx.DrawString(line, normal, XBrushes.Black, new XPoint(Left, y));
            y += 13;
        }

        gfx.DrawString($"{texts.Reference}: {model.Reference}", normal, XBrushes.Black, new XRect(Left, 144, Right - Left, 12), XStringFormats.TopRight);
        gfx.DrawString(Date(model.Date), normal, XBrushes.Black, new XRect(Left, 158, Right - Left, 12), XStringFormats.TopRight);

        y = 250;
        gfx.DrawString($"{letterTitle} – {model.Reference}", title, XBrushes.Black, new XPoint(Left, y));
        y += 24;
        y = Paragraph(gfx, string.Format(culture, texts.Salutation, model.DebtorName), y);
        y = Paragraph(gfx, string.Format(culture, texts.Intro(model.Kind)!, model.CreditorName), y);

        // The claim explained as RDG § 13a asks: creditor, reason, contract date, itemised amounts, interest calculation.
        y = Heading(gfx, texts.ClaimHeading, y);
        y = Row(gfx, y, (texts.Creditor, 0), ($"{model.CreditorName}, {model.CreditorAddress}", 170));
        y = Row(gfx, y, (texts.Reason, 0), (model.ClaimReason, 170));
        y = Row(gfx, y, (texts.ContractDate, 0), (Date(model.ContractDate), 170));
        y += 4;

        if (!confirmation)
        {
            y = Heading(gfx, texts.InvoicesHeading, y);
            y = Row(gfx, y, bold, (texts.Invoice, 0), (texts.Issued, 170), (texts.Due, 260), (texts.Amount, -1));
            foreach (var invoice in model.Invoices)
            {
                y = Row(gfx, y, normal, (invoice.Number, 0), (Date(invoice.IssuedOn), 170), (Date(invoice.DueOn), 260), (Money(invoice.Amount), -1));
            }

            y += 6;
        }

        y = Row(gfx, y, normal, (texts.Principal, 0), (Money(model.Principal), -1));
        y = Row(gfx, y, normal, (texts.Interest, 0), (Money(model.Interest), -1));
        y = Row(gfx, y, normal, (texts.Costs, 0), (Money(model.Costs), -1));
        if (model.Paid != 0)
        {
            y = Row(gfx, y, normal, (texts.Paid, 0), ("-" + Money(model.Paid), -1));
        }

        gfx.DrawLine(XPens.Black, Right - 150, y - 2, Right, y - 2);
        y = Row(gfx, y + 2, bold, (texts.Total, 0), (Money(model.Total), -1));

        if (confirmation)
        {
            y = Confirmation(gfx, model, texts, culture, Money, Date, y + 4);
        }

        if (!confirmation && model.InterestPeriods.Count > 0)
        {
            y = Heading(gfx, texts.InterestHeading, y + 4);
            y = Row(gfx, y, bold, (texts.Period, 0), (texts.Days, 200), (texts.Rate, 260), (texts.Amount, -1));
            foreach (var period in model.InterestPeriods)
            {
                y = Row(gfx, y, normal, ($"{Date(period.From)} – {Date(period.To)}", 0), (period.Days.ToString(culture), 200),
                    (period.RatePercent.ToString("0.00", culture) + " %", 260), (Money(period.Amount), -1));
            }

            y = Paragraph(gfx, $"{texts.Interest} = {texts.Principal} × {texts.Rate} × {texts.Days} / 365 ({model.InterestLaw})", y, small);
        }

        if (!confirmation && model.EarlierNotices.Count > 0)
        {
            y = Heading(gfx, texts.EarlierHeading, y + 2);
            foreach (var notice in model.EarlierNotices)
            {
                y = Row(gfx, y, normal, (Date(notice.Date), 0), (notice.Description, 90));
            }
        }

        y += 6;
        if (!confirmation)
        {
            y = Paragraph(gfx, string.Format(culture, texts.PayBy, Money(model.Total), Date(model.PayBy), model.Agency.Iban ?? "", model.Reference, model.Agency.Phone), y);
        }

        if (model.Kind == LetterKind.FinalDemand && model.SuspensionWarning)
        {
            // Seed 001: a written warning precedes any suspension of the service; printed in a box so it cannot be missed.
            var text = string.Format(culture, texts.Suspension, Date(model.PayBy), model.CreditorName);
            var height = MeasureHeight(gfx, text, bold) + 12;
            gfx.DrawRectangle(new XPen(XColors.DarkRed, 1.2), Left - 4, y - 2, Right - Left + 8, height);
            y = Paragraph(gfx, text, y + 4, bold, XBrushes.DarkRed) + 6;
        }

        y = Paragraph(gfx, texts.Closing, y + 4);
        gfx.DrawString(model.Agency.Name, bold, XBrushes.Black, new XPoint(Left, y + 6));
        gfx.DrawString(string.Format(culture, texts.OnBehalf, model.CreditorName), small, XBrushes.Gray, new XPoint(Left, y + 18));
        gfx.DrawString($"{texts.Page} 1/1", small, XBrushes.Gray, new XRect(Left, Bottom + 20, Right - Left, 10), XStringFormats.TopRight);

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>The settlement's terms, or the plan's instalments and terms, below the claim.</summary>
    private double Confirmation(XGraphics gfx, LetterModel model, LetterTexts texts, CultureInfo culture, Func<decimal, string> money, Func<NodaTime.LocalDate, string> date, double y)
    {
        if (model.Kind == LetterKind.SettlementConfirmation)
        {
            var settlement = model.Settlement ?? throw new LetterTextException("a settlement confirmation needs the agreed settlement");
            return Paragraph(gfx, string.Format(culture, texts.SettlementTerms!, money(settlement.Amount), date(settlement.PayBy), model.Agency.Iban ?? "", model.Reference, money(model.Total)), y, bold);
        }

        if (model.Instalments.Count == 0)
        {
            throw new LetterTextException("an instalment plan confirmation needs the plan's instalments");
        }

        y = Heading(gfx, texts.PlanHeading!, y);
        y = Row(gfx, y, bold, ("#", 0), (texts.Due, 90), (texts.Amount, -1));
        foreach (var instalment in model.Instalments)
        {
            y = Row(gfx, y, normal, (instalment.Number.ToString(culture), 0), (date(instalment.DueDate), 90), (money(instalment.Amount), -1));
        }

        return Paragraph(gfx, string.Format(culture, texts.PlanTerms!, model.Agency.Iban ?? "", model.Reference, model.Agency.Phone), y + 6);
    }

    private double Heading(XGraphics gfx, string text, double y)
    {
        gfx.DrawString(text, bold, XBrushes.DarkSlateBlue, new XPoint(Left, y + 8));
        return y + 16;
    }

    private double Row(XGraphics gfx, double y, params (string Text, double X)[] cells) => Row(gfx, y, normal, cells);

    /// <summary>One line of cells; X = -1 means right-aligned at the right margin.</summary>
    private static double Row(XGraphics gfx, double y, XFont font, params (string Text, double X)[] cells)
    {
        foreach (var (text, x) in cells)
        {
            if (x < 0)
            {
                gfx.DrawString(text, font, XBrushes.Black, new XRect(Left, y, Right - Left, 12), XStringFormats.TopRight);
            }
            else
            {
                gfx.DrawString(text, font, XBrushes.Black, new XPoint(Left + x, y + 9));
            }
        }

        return y + 13;
    }

    private double Paragraph(XGraphics gfx, string text, double y, XFont? font = null, XBrush? brush = null)
    {
        font ??= normal;
        var height = MeasureHeight(gfx, text, font);
        new XTextFormatter(gfx).DrawString(text, font, brush ?? XBrushes.Black, new XRect(Left, y, Right - Left, height), XStringFormats.TopLeft);
        return y + height + 6;
    }

    /// <summary>Height of <paramref name="text"/> wrapped at word boundaries to the text width.</summary>
    private static double MeasureHeight(XGraphics gfx, string text, XFont font)
    {
        var lines = 1;
        var width = 0.0;
        var space = gfx.MeasureString(" ", font).Width;
        foreach (var word in text.Split(' '))
        {
            var w = gfx.MeasureString(word, font).Width;
            if (width > 0 && width + space + w > Right - Left - 4)
            {
                lines++;
                width = w;
            }
            else
            {
                width += (width > 0 ? space : 0) + w;
            }
        }

        return lines * font.GetHeight() + 2;
    }
}

/// <summary>A letter that cannot be printed as asked: no text in the debtor's language, or the agreement it confirms is missing.</summary>
public sealed class LetterTextException(string message) : Exception(message);
