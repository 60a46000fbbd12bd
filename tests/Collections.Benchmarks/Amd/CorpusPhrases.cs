namespace Collections.Benchmarks.Amd;

/// <summary>
/// What people and answering machines say when a call is answered, in the six languages of the seed texts (en, de, hu, lv,
/// sl, sq). Written for the synthetic AMD corpus; a native speaker should check the non-English lines (README of the corpus).
/// </summary>
internal static class CorpusPhrases
{
    /// <summary>Phrase lists of one language.</summary>
    internal sealed record Language(
        string[] Short,
        string[] Again,
        string[] Second,
        string[] Long,
        string[] MachineLong,
        string[] MachineMedium,
        string[] MachineShort,
        string[] Carrier,
        string[] Intercept);

    public static IReadOnlyDictionary<string, Language> ByLanguage { get; } = new Dictionary<string, Language>(StringComparer.Ordinal)
    {
        ["en"] = new(
            Short: ["Hello?", "Yes?", "Hello, who's calling?", "Yeah, hello.", "Speaking.", "Hi, who is this?", "Hello, Smith.", "Yes, hello?", "Hi.", "Mary speaking."],
            Again: ["Hello? Is anyone there?", "Hello? Can you hear me?", "Hello?", "Who is this?"],
            Second: ["Who is this?", "Can I help you?", "What is it about?", "Yes?"],
            Long: [
                "Hello, this is Peter Smith speaking, how can I help you today?",
                "Yes, good morning, Smith and Partners, Mary speaking.",
                "Hi, you've got John, what can I do for you?",
                "Good afternoon, accounts department, this is Sarah, how may I help?",
                "Hello, Peter here, sorry, I'm driving, who's calling please?"],
            MachineLong: [
                "Hi, you have reached Peter Smith. I can't take your call right now. Please leave your name and number after the tone and I will call you back as soon as I can.",
                "Hello, this is Mary. Sorry I missed your call. Leave me a message and I'll get back to you.",
                "You've reached the voicemail of John Miller. I'm either on the other line or away from my desk. Please leave a message.",
                "Thank you for calling. Nobody is available to take your call. Please leave a short message after the beep.",
                "Hi, it's Sarah. I'm not around at the moment. Leave a message and I'll ring you back later."],
            MachineMedium: ["You have reached Peter. Please leave a message after the tone.", "Hi, this is Mary, please leave a message.", "This is John. Leave a message.", "Sarah's phone. Please leave a message."],
            MachineShort: ["Peter here, leave a message.", "Mary, leave a message.", "Leave a message.", "John. Message please."],
            Carrier: [
                "The person you are calling is not available. Please leave a message after the tone.",
                "The mobile number you have called is switched off. Please leave a message after the tone.",
                "Welcome to the voicemail service. The subscriber cannot take your call. Please record your message.",
                "Your call has been forwarded to an automatic voice message system. The person is not available."],
            Intercept: ["The number you have dialled is not in service. Please check the number and try again.", "We are sorry, the number you have called cannot be reached."]),
        ["de"] = new(
            Short: ["Hallo?", "Ja, bitte?", "Wer ist da?", "Ja, hallo.", "Schneider.", "Ja, Müller hier.", "Hallo, ja?", "Guten Tag.", "Ja?", "Anna Schneider."],
            Again: ["Hallo? Ist da jemand?", "Hallo? Hören Sie mich?", "Hallo?", "Wer spricht denn da?"],
            Second: ["Wer spricht da?", "Was kann ich für Sie tun?", "Worum geht es?", "Ja, bitte?"],
            Long: [
                "Guten Tag, hier spricht Anna Schneider, was kann ich für Sie tun?",
                "Ja, guten Morgen, Firma Müller und Söhne, Sie sprechen mit Peter.",
                "Hallo, Schneider am Apparat, wer ist denn da bitte?",
                "Guten Tag, Buchhaltung, Sie sprechen mit Frau Weber, wie kann ich helfen?",
                "Ja, hallo, hier ist Peter, ich bin gerade unterwegs, wer spricht?"],
            MachineLong: [
                "Hallo, hier ist der Anschluss von Anna Schneider. Ich bin leider gerade nicht erreichbar. Bitte hinterlassen Sie Ihren Namen und Ihre Nummer nach dem Signalton, ich rufe zurück.",
                "Guten Tag, Sie sind verbunden mit der Mailbox von Peter Müller. Bitte sprechen Sie nach dem Ton.",
                "Herzlich willkommen bei Familie Weber. Wir sind im Moment nicht zu Hause. Hinterlassen Sie uns eine Nachricht.",
                "Hallo, hier ist Thomas. Ich kann gerade nicht rangehen. Sprich mir einfach auf die Mailbox, ich melde mich.",
                "Guten Tag, Sie haben die Firma Müller erreicht. Unser Büro ist zurzeit nicht besetzt. Bitte rufen Sie später wieder an."],
            MachineMedium: ["Hier ist Anna. Bitte hinterlassen Sie eine Nachricht.", "Mailbox von Peter Müller, bitte sprechen Sie jetzt.", "Hier ist Thomas, bitte Nachricht nach dem Ton.", "Familie Weber. Bitte hinterlassen Sie eine Nachricht."],
            MachineShort: ["Anna hier, bitte Nachricht.", "Müller, Nachricht bitte.", "Bitte eine Nachricht.", "Thomas. Nachricht bitte."],
            Carrier: [
                "Der gewünschte Gesprächspartner ist zurzeit nicht erreichbar. Bitte hinterlassen Sie eine Nachricht nach dem Signalton.",
                "Die Person, die Sie anrufen, ist im Moment nicht erreichbar. Sie können eine Nachricht hinterlassen.",
                "Willkommen bei der Sprachbox. Der Teilnehmer ist nicht erreichbar. Bitte sprechen Sie Ihre Nachricht.",
                "Ihr Anruf wird an den Anrufbeantworter weitergeleitet. Der Teilnehmer ist nicht erreichbar."],
            Intercept: ["Kein Anschluss unter dieser Nummer. Bitte prüfen Sie die Rufnummer.", "Die gewählte Rufnummer ist nicht vergeben."]),
        ["hu"] = new(
            Short: ["Halló?", "Igen?", "Tessék?", "Ki beszél?", "Igen, halló.", "Kovács, tessék.", "Halló, igen?", "Jó napot.", "Tessék, hallgatom.", "Szabó Anna."],
            Again: ["Halló? Van ott valaki?", "Halló? Hall engem?", "Halló?", "Ki az?"],
            Second: ["Ki beszél?", "Miben segíthetek?", "Miről van szó?", "Igen?"],
            Long: [
                "Jó napot kívánok, Kovács Péter vagyok, miben segíthetek önnek?",
                "Igen, jó reggelt, Nagy és Társa, Szabó Anna beszél.",
                "Halló, Kovács vagyok, ki keres kérem?",
                "Jó napot, könyvelés, Tóth Éva vagyok, miben segíthetek?",
                "Igen, halló, Péter vagyok, épp vezetek, ki az?"],
            MachineLong: [
                "Szia, Kovács Péter vagyok. Most nem tudom felvenni a telefont. Kérlek, hagyj üzenetet a sípszó után, és visszahívlak, amint tudlak.",
                "Jó napot, Szabó Anna hangpostáját hívta. Kérem, hagyjon üzenetet a hangjelzés után.",
                "Üdvözöljük, a Tóth család vagyunk. Most nem vagyunk otthon. Hagyjon üzenetet.",
                "Szia, Gábor vagyok. Most nem érek rá. Mondd a hangpostára, visszahívlak.",
                "Jó napot, a Nagy és Társa irodáját hívta. Irodánk jelenleg zárva van. Kérjük, hívjon később."],
            MachineMedium: ["Péter vagyok, hagyj üzenetet a sípszó után.", "Szabó Anna, kérem hagyjon üzenetet.", "Gábor vagyok, üzenetet kérek.", "Tóth család. Kérjük, hagyjon üzenetet."],
            MachineShort: ["Péter, hagyj üzenetet.", "Anna vagyok, üzenetet kérek.", "Üzenetet kérek.", "Gábor. Üzenetet."],
            Carrier: [
                "A hívott szám jelenleg nem elérhető. Kérjük, hagyjon üzenetet a sípszó után.",
                "Az ön által hívott előfizető jelenleg nem kapcsolható. Üzenetet hagyhat a hangjelzés után.",
                "Üdvözli a hangposta. Az előfizető nem tudja fogadni a hívást. Kérjük, mondja el üzenetét.",
                "A hívását hangpostára irányítottuk. A hívott fél nem elérhető."],
            Intercept: ["A hívott szám nem létezik. Kérjük, ellenőrizze a számot.", "A hívott szám jelenleg nem kapcsolható."]),
        ["lv"] = new(
            Short: ["Hallo?", "Jā?", "Klausos.", "Kas zvana?", "Jā, lūdzu.", "Bērziņš klausās.", "Hallo, jā?", "Labdien.", "Jā, klausos?", "Anna."],
            Again: ["Hallo? Vai kāds ir?", "Hallo? Vai jūs mani dzirdat?", "Hallo?", "Kas tur ir?"],
            Second: ["Kas zvana?", "Ar ko varu palīdzēt?", "Par ko ir runa?", "Jā?"],
            Long: [
                "Labdien, šeit runā Jānis Bērziņš, kā es varu jums palīdzēt?",
                "Jā, labrīt, uzņēmums Bērziņš un partneri, jūs runājat ar Annu.",
                "Hallo, Bērziņš klausās, kas zvana, lūdzu?",
                "Labdien, grāmatvedība, runā Līga, kā varu palīdzēt?",
                "Jā, hallo, Jānis, es pašlaik braucu, kas zvana?"],
            MachineLong: [
                "Sveiki, jūs esat sazvanījis Jāni Bērziņu. Pašlaik nevaru atbildēt uz zvanu. Lūdzu, atstājiet savu vārdu un numuru pēc signāla, un es jums atzvanīšu.",
                "Labdien, šī ir Annas balss pasta kaste. Lūdzu, atstājiet ziņu pēc signāla.",
                "Sveicināti, Kalniņu ģimene. Mēs šobrīd neesam mājās. Atstājiet ziņu.",
                "Čau, šeit Pēteris. Nevaru tagad runāt. Atstāj ziņu, es atzvanīšu.",
                "Labdien, jūs esat sazvanījis uzņēmumu Bērziņš. Birojs pašlaik ir slēgts. Lūdzu, zvaniet vēlāk."],
            MachineMedium: ["Šeit Jānis, atstājiet ziņu pēc signāla.", "Anna, lūdzu atstājiet ziņu.", "Pēteris, atstāj ziņu pēc signāla.", "Kalniņu ģimene. Lūdzu, atstājiet ziņu."],
            MachineShort: ["Jānis, atstājiet ziņu.", "Anna, ziņu lūdzu.", "Atstājiet ziņu.", "Pēteris. Ziņu."],
            Carrier: [
                "Abonents pašlaik nav sasniedzams. Lūdzu, atstājiet ziņu pēc signāla.",
                "Jūsu izsauktais numurs ir izslēgts. Jūs varat atstāt ziņu balss pastā.",
                "Laipni lūdzam balss pastā. Abonents nevar atbildēt. Lūdzu, ierunājiet ziņu.",
                "Jūsu zvans ir pāradresēts uz balss pastu. Abonents nav pieejams."],
            Intercept: ["Izsauktais numurs neeksistē. Lūdzu, pārbaudiet numuru.", "Izsauktais numurs pašlaik nav pieejams."]),
        ["sl"] = new(
            Short: ["Halo?", "Prosim?", "Ja?", "Kdo kliče?", "Ja, prosim.", "Novak, prosim.", "Halo, ja?", "Dober dan.", "Ja, izvolite.", "Ana Kovač."],
            Again: ["Halo? Je kdo tam?", "Halo? Me slišite?", "Halo?", "Kdo je tam?"],
            Second: ["Kdo kliče?", "Kako vam lahko pomagam?", "Za kaj gre?", "Ja?"],
            Long: [
                "Dober dan, tukaj Marko Novak, kako vam lahko pomagam danes?",
                "Ja, dobro jutro, podjetje Novak in partnerji, pri telefonu Ana.",
                "Halo, Novak pri telefonu, kdo kliče, prosim?",
                "Dober dan, računovodstvo, tukaj Maja, kako lahko pomagam?",
                "Ja, halo, Marko, ravno vozim, kdo kliče?"],
            MachineLong: [
                "Pozdravljeni, dobili ste Marka Novaka. Trenutno nisem dosegljiv. Prosim, pustite svoje ime in številko po zvočnem signalu in poklical vas bom nazaj.",
                "Dober dan, to je glasovna pošta Ane Kovač. Prosim, pustite sporočilo po pisku.",
                "Pozdravljeni, tukaj družina Horvat. Trenutno nismo doma. Pustite sporočilo.",
                "Živjo, tukaj Luka. Zdaj ne morem govoriti. Pusti sporočilo, pokličem nazaj.",
                "Dober dan, poklicali ste podjetje Novak. Pisarna je trenutno zaprta. Prosimo, pokličite kasneje."],
            MachineMedium: ["Marko tukaj, pustite sporočilo po pisku.", "Ana, prosim pustite sporočilo.", "Luka, pusti sporočilo po pisku.", "Družina Horvat. Prosim, pustite sporočilo."],
            MachineShort: ["Marko, pustite sporočilo.", "Ana, sporočilo prosim.", "Pustite sporočilo.", "Luka. Sporočilo."],
            Carrier: [
                "Klicani naročnik trenutno ni dosegljiv. Prosimo, pustite sporočilo po pisku.",
                "Številka, ki ste jo klicali, je izklopljena. Sporočilo lahko pustite v glasovni pošti.",
                "Dobrodošli v glasovni pošti. Naročnik ne more sprejeti klica. Prosimo, povejte sporočilo.",
                "Vaš klic je preusmerjen v glasovno pošto. Naročnik ni dosegljiv."],
            Intercept: ["Klicana številka ne obstaja. Prosimo, preverite številko.", "Klicana številka trenutno ni dosegljiva."]),
        ["sq"] = new(
            Short: ["Alo?", "Po?", "Kush është?", "Po, urdhëro.", "Alo, po.", "Hoxha, urdhëroni.", "Alo, po?", "Mirëdita.", "Po, të dëgjoj.", "Ana."],
            Again: ["Alo? A është dikush?", "Alo? Më dëgjoni?", "Alo?", "Kush është aty?"],
            Second: ["Kush flet?", "Si mund t'ju ndihmoj?", "Për çfarë bëhet fjalë?", "Po?"],
            Long: [
                "Mirëdita, jam Arben Hoxha, si mund t'ju ndihmoj sot?",
                "Po, mirëmëngjes, kompania Hoxha dhe partnerët, flet Ana.",
                "Alo, Hoxha në telefon, kush flet ju lutem?",
                "Mirëdita, kontabiliteti, flet Elira, si mund t'ju ndihmoj?",
                "Po, alo, Arbeni, jam duke ngarë makinën, kush është?"],
            MachineLong: [
                "Përshëndetje, keni telefonuar Arben Hoxhën. Tani nuk mund të përgjigjem. Ju lutem lini emrin dhe numrin tuaj pas sinjalit dhe do t'ju telefonoj.",
                "Mirëdita, kjo është kutia postare zanore e Anës. Ju lutem lini një mesazh pas sinjalit.",
                "Përshëndetje, familja Krasniqi. Tani nuk jemi në shtëpi. Lini një mesazh.",
                "Tung, jam Dritoni. Nuk mund të flas tani. Lër një mesazh, të marr më vonë.",
                "Mirëdita, keni telefonuar kompaninë Hoxha. Zyra është e mbyllur tani. Ju lutem telefononi më vonë."],
            MachineMedium: ["Arbeni këtu, lini një mesazh pas sinjalit.", "Ana, ju lutem lini mesazh.", "Dritoni, lër mesazh pas sinjalit.", "Familja Krasniqi. Ju lutem lini mesazh."],
            MachineShort: ["Arbeni, lini mesazh.", "Ana, mesazh ju lutem.", "Lini mesazh.", "Dritoni. Mesazh."],
            Carrier: [
                "Numri që kërkuat nuk është i disponueshëm. Ju lutem lini një mesazh pas sinjalit.",
                "Abonenti që thirrët është i fikur. Mund të lini një mesazh zanor.",
                "Mirë se vini në postën zanore. Abonenti nuk mund të përgjigjet. Ju lutem regjistroni mesazhin.",
                "Thirrja juaj u kalua në postën zanore. Abonenti nuk është i disponueshëm."],
            Intercept: ["Numri që keni formuar nuk ekziston. Ju lutem kontrolloni numrin.", "Numri i thirrur nuk është i arritshëm për momentin."]),
    };
}
