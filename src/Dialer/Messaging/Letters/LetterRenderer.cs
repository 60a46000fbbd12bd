using System.Globalization;
using Collections.Shared.Domain;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;

namespace Collections.Dialer.Messaging.Letters;

/// <summary>Renders the letters of <see cref="LetterKind"/> as A4 PDF with a window-envelope address block (DIN 5008 layout).</summary>
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

    /// <summary>The letter as PDF bytes; it runs on to further pages when the claim or the plan does not fit on one.</summary>
    /// <exception cref="LetterTextException">The language has no title for a final demand without the suspension warning.</exception>
    public byte[] Render(LetterModel model)
    {
        var texts = LetterTexts.For(model.Language);
        var letterTitle = texts.Title(model.Kind, model.SuspensionWarning)
            ?? throw new LetterTextException($"no '{model.Language}' title for a final demand without the service-suspension warning");
        // A US debtor reads US dates and dollars (month first), whatever English culture the texts default to.
        var culture = CultureInfo.GetCultureInfo(model.NeedsValidationNotice && texts.Culture.StartsWith("en", StringComparison.Ordinal) ? "en-US" : texts.Culture);
        string Money(decimal amount) => new Money(amount, model.Currency).Format(culture);
        string Date(NodaTime.LocalDate date) => date.ToString("d", culture);

        using var document = new PdfDocument();
        document.Info.Title = $"{letterTitle} {model.Reference}";
        document.Info.Author = model.Agency.Name;
        var c = new Canvas(this, document);
        var gfx = c.Gfx;
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

        c.Y = 250;
        gfx.DrawString($"{letterTitle} – {model.Reference}", title, XBrushes.Black, new XPoint(Left, c.Y));
        c.Y += 24;
        c.Paragraph(string.Format(culture, texts.Salutation, model.DebtorName));
        c.Paragraph(string.Format(culture, texts.Intro(model.Kind), model.CreditorName));

        // The claim explained as RDG § 13a (and PĀAL 7) asks: creditor, how it arose, contract date, itemised amounts.
        c.Heading(texts.ClaimHeading);
        c.Row((texts.Creditor, 0), ($"{model.CreditorName}, {model.CreditorAddress}", 170));
        c.Row((texts.Reason, 0), (model.ClaimReason, 170));
        c.Row((texts.ContractDate, 0), (Date(model.ContractDate), 170));
        c.Y += 4;

        c.Heading(texts.InvoicesHeading);
        c.Row(bold, (texts.Invoice, 0), (texts.Issued, 170), (texts.Due, 260), (texts.Amount, -1));
        foreach (var invoice in model.Invoices)
        {
            c.Row(normal, (invoice.Number, 0), (Date(invoice.IssuedOn), 170), (Date(invoice.DueOn), 260), (Money(invoice.Amount), -1));
        }

        c.Y += 6;
        c.Row(normal, (texts.Principal, 0), (Money(model.Principal), -1));
        c.Row(normal, (texts.Interest, 0), (Money(model.Interest), -1));
        c.Row(normal, (texts.Costs, 0), (Money(model.Costs), -1));
        if (model.Paid != 0)
        {
            c.Row(normal, (texts.Paid, 0), ("-" + Money(model.Paid), -1));
        }

        c.Gfx.DrawLine(XPens.Black, Right - 150, c.Y - 2, Right, c.Y - 2);
        c.Y += 2;
        c.Row(bold, (texts.Total, 0), (Money(model.Total), -1));

        var escalation = model.Kind is LetterKind.Reminder or LetterKind.SecondReminder or LetterKind.FinalDemand;
        if (escalation && model.InterestPeriods.Count > 0)
        {
            c.Y += 4;
            c.Heading(texts.InterestHeading);
            c.Row(bold, (texts.Period, 0), (texts.Days, 200), (texts.Rate, 260), (texts.Amount, -1));
            foreach (var period in model.InterestPeriods)
            {
                c.Row(normal, ($"{Date(period.From)} – {Date(period.To)}", 0), (period.Days.ToString(culture), 200),
                    (period.RatePercent.ToString("0.00", culture) + " %", 260), (Money(period.Amount), -1));
            }

            c.Paragraph($"{texts.Interest} = {texts.Principal} × {texts.Rate} × {texts.Days} / 365 ({model.InterestLaw})", small);
        }

        if (escalation && model.EarlierNotices.Count > 0)
        {
            c.Y += 2;
            c.Heading(texts.EarlierHeading);
            foreach (var notice in model.EarlierNotices)
            {
                c.Row(normal, (Date(notice.Date), 0), (notice.Description, 90));
            }
        }

        // The agreement a confirmation states, or the instalment a pre-instalment reminder is about.
        if (model.Arrangement is { } arrangement)
        {
            c.Y += 4;
            c.Heading(texts.AgreementHeading);
            if (arrangement.SettlementAmount is { } settled && arrangement.SettlementPayBy is { } payBy)
            {
                c.Paragraph(string.Format(culture, texts.SettlementTerms, Money(settled), Date(payBy), Money(model.Total)), bold);
            }

            var instalments = model.Kind == LetterKind.PreInstalmentReminder ? arrangement.Instalments.Take(1).ToList() : arrangement.Instalments.ToList();
            if (instalments.Count > 0)
            {
                if (model.Kind == LetterKind.InstalmentPlanConfirmation)
                {
                    c.Paragraph(string.Format(culture, texts.PlanTerms, instalments.Count, Money(instalments.Sum(i => i.Amount))));
                }

                c.Row(bold, (texts.InstalmentNumber, 0), (texts.Due, 170), (texts.Amount, -1));
                foreach (var instalment in instalments)
                {
                    c.Row(normal, (instalment.Number.ToString(culture), 0), (Date(instalment.DueOn), 170), (Money(instalment.Amount), -1));
                }
            }
        }

        c.Y += 6;
        c.Heading(texts.HowToPayHeading);
        c.Paragraph(escalation
            ? string.Format(culture, texts.PayBy, Money(model.Total), Date(model.PayBy), model.Agency.Iban ?? "", model.Reference, model.Agency.Phone)
            : string.Format(culture, texts.PayAgreed, model.Agency.Iban ?? "", model.Reference, model.Agency.Phone));

        if (model.Kind == LetterKind.FinalDemand && model.SuspensionWarning)
        {
            // Seed 001: a written warning precedes any suspension of the service; printed in a box so it cannot be missed.
            var text = string.Format(culture, texts.Suspension, Date(model.PayBy), model.CreditorName);
            var height = MeasureHeight(c.Gfx, text, bold) + 12;
            c.EnsureRoom(height + 8);
            c.Gfx.DrawRectangle(new XPen(XColors.DarkRed, 1.2), Left - 4, c.Y - 2, Right - Left + 8, height);
            c.Y += 4;
            c.Paragraph(text, bold, XBrushes.DarkRed);
            c.Y += 6;
        }

        if (model.Kind != LetterKind.SettlementConfirmation && model.Kind != LetterKind.PreInstalmentReminder)
        {
            c.Heading(texts.DisputeHeading);
            c.Paragraph(string.Format(culture, texts.Dispute, model.Agency.Phone, model.Agency.Email, Date(DisputeBy(model))));
        }

        if (model.NeedsValidationNotice && model.Kind == LetterKind.Reminder)
        {
            ValidationNotice(c, model, Money, Date);
        }

        c.EnsureRoom(40);
        c.Paragraph(texts.Closing);
        c.Gfx.DrawString(model.Agency.Name, bold, XBrushes.Black, new XPoint(Left, c.Y + 6));
        c.Gfx.DrawString(string.Format(culture, texts.OnBehalf, model.CreditorName), small, XBrushes.Gray, new XPoint(Left, c.Y + 18));
        c.NumberPages($"{texts.Page} {{0}}/{{1}}");

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>The day objections are asked for by: in Latvia 21 days from receipt, receipt presumed on the 7th day after
    /// posting (PĀAL 7), so 28 days from the letter's date; in the US the end of the validation period; elsewhere the pay-by day.</summary>
    internal static NodaTime.LocalDate DisputeBy(LetterModel model) => model.Language.StartsWith("lv", StringComparison.OrdinalIgnoreCase)
        ? model.Date.PlusDays(28)
        : model.NeedsValidationNotice ? ValidationPeriodEnd(model.Date) : model.PayBy;

    /// <summary>12 CFR 1006.34(b)(5): the validation period ends 30 days after the consumer receives the notice, and a
    /// collector may assume receipt on any date up to five days (excluding legal public holidays, Saturdays and Sundays)
    /// after sending it: the fifth US working day after the letter's date, plus 30 days.</summary>
    internal static NodaTime.LocalDate ValidationPeriodEnd(NodaTime.LocalDate date)
    {
        var calendar = Collections.Shared.Calendars.WorkingDayCalendars.For("US");
        var received = date;
        for (var working = 0; working < 5;)
        {
            received = received.PlusDays(1);
            if (calendar.IsWorkingDay(received))
            {
                working++;
            }
        }

        return received.PlusDays(30);
    }

    // Regulation F validation information (12 CFR 1006.34(c)), in the order and wording of Model Form B-1 (Appendix B to
    // Part 1006), which gives the safe harbour of 1006.34(d)(2). The itemization date is the date the last payment was due.
    private void ValidationNotice(Canvas c, LetterModel model, Func<decimal, string> money, Func<NodaTime.LocalDate, string> date)
    {
        var end = date(ValidationPeriodEnd(model.Date));
        c.Y += 4;
        c.Heading("Validation notice (12 CFR 1006.34)");
        c.Paragraph($"{model.Agency.Name} is a debt collector. We are trying to collect a debt that you owe to {model.CreditorName}. We will use any information you give us to help collect the debt.", small);
        c.Paragraph($"Our information shows: you had an account with {model.CreditorName} with account number {model.Reference}. As of {date(model.Invoices.Max(i => i.DueOn))}, you owed {money(model.Principal)}. Between that date and today: you were charged this amount in interest: + {money(model.Interest)}; you were charged this amount in fees: + {money(model.Costs)}; you paid or were credited this amount toward the debt: - {money(model.Paid)}. Total amount of the debt now: {money(model.Total)}.", small);
        c.Paragraph($"How can you dispute the debt? Call or write to us by {end} to dispute all or part of the debt. If you do not, we will assume that our information is correct. If you write to us by {end}, we must stop collection on any amount you dispute until we send you information that shows you owe the debt. You may write to us at {model.Agency.Street}, {model.Agency.PostalCode} {model.Agency.City} or e-mail {model.Agency.Email}; you may include supporting documents.", small);
        c.Paragraph($"What else can you do? Write to ask for the name and address of the original creditor, if different from the current creditor. If you write by {end}, we must stop collection until we send you that information. Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law. Contact us about your payment options: {model.Agency.Phone}. Póngase en contacto con nosotros para solicitar una copia de este formulario en español.", small);
    }

    /// <summary>The pages being drawn and the position on the current one; a row or paragraph that would run past the bottom
    /// margin starts a new page.</summary>
    /// <summary>A PDF page writer with page breaks, headings, rows and wrapped paragraphs in the letters' fonts and margins
    /// (the evidence pack's cover uses it too).</summary>
    internal sealed class Canvas(LetterRenderer renderer, PdfDocument document)
    {
        private readonly List<XGraphics> _pages = [];

        public XGraphics Gfx { get; private set; } = Start(document, null);

        public double Y { get; set; }

        private static XGraphics Start(PdfDocument document, List<XGraphics>? pages)
        {
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            var gfx = XGraphics.FromPdfPage(page);
            pages?.Add(gfx);
            return gfx;
        }

        /// <summary>Starts a new page when fewer than <paramref name="needed"/> points remain above the bottom margin.</summary>
        public void EnsureRoom(double needed)
        {
            if (_pages.Count == 0)
            {
                _pages.Add(Gfx);
            }

            if (Y + needed <= Bottom)
            {
                return;
            }

            Gfx = Start(document, _pages);
            Y = 60;
        }

        public void Heading(string text)
        {
            EnsureRoom(30);
            Gfx.DrawString(text, renderer.bold, XBrushes.DarkSlateBlue, new XPoint(Left, Y + 8));
            Y += 16;
        }

        public void Row(params (string Text, double X)[] cells) => Row(renderer.normal, cells);

        /// <summary>One line of cells; X = -1 means right-aligned at the right margin.</summary>
        public void Row(XFont font, params (string Text, double X)[] cells)
        {
            EnsureRoom(14);
            foreach (var (text, x) in cells)
            {
                if (x < 0)
                {
                    Gfx.DrawString(text, font, XBrushes.Black, new XRect(Left, Y, Right - Left, 12), XStringFormats.TopRight);
                }
                else
                {
                    Gfx.DrawString(text, font, XBrushes.Black, new XPoint(Left + x, Y + 9));
                }
            }

            Y += 13;
        }

        public void Paragraph(string text, XFont? font = null, XBrush? brush = null)
        {
            font ??= renderer.normal;
            var height = MeasureHeight(Gfx, text, font);
            EnsureRoom(height + 6);
            new XTextFormatter(Gfx).DrawString(text, font, brush ?? XBrushes.Black, new XRect(Left, Y, Right - Left, height), XStringFormats.TopLeft);
            Y += height + 6;
        }

        /// <summary>"Page n/N" at the foot of every page.</summary>
        public void NumberPages(string format)
        {
            if (_pages.Count == 0)
            {
                _pages.Add(Gfx);
            }

            for (var i = 0; i < _pages.Count; i++)
            {
                _pages[i].DrawString(string.Format(CultureInfo.InvariantCulture, format, i + 1, _pages.Count), renderer.small, XBrushes.Gray,
                    new XRect(Left, Bottom + 20, Right - Left, 10), XStringFormats.TopRight);
            }
        }
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

/// <summary>A letter that cannot be printed as asked (its text is missing in the debtor's language): nothing is printed in another.</summary>
public sealed class LetterTextException(string message) : Exception(message);
