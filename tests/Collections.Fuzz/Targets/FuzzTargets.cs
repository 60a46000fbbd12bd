using System.Text;
using Collections.AgentConsole.Features.Webhooks;
using Collections.Dialer.Media.Sdp;
using Collections.Dialer.Messaging.Twilio;
using Collections.Dialer.Sip;
using Collections.Scripts.Loading;
using Collections.Shared.Import;
using Collections.Shared.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Collections.Fuzz.Targets;

/// <summary>
/// One fuzz target per parser that reads what others send us. A target returns normally when the parser accepts the input
/// or refuses it the way it documents (false with a reason, a problem list, an import issue, a 4xx refusal); anything else
/// (an unexpected exception, an accepted message that does not survive its own round trip) is thrown as a crash.
/// Hangs and stack overflows are caught outside: by afl-fuzz's time-out and by the process dying.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The targets by the name tools/fuzz.sh and the corpus folders use.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["sip"] = Sip,
        ["sdp"] = Sdp,
        ["csv"] = Csv,
        ["camt053"] = Camt053,
        ["script-yaml"] = ScriptYaml,
        ["twilio-webhook"] = TwilioWebhook,
    };

    /// <summary>Decodes as the hosts do: invalid UTF-8 becomes U+FFFD (StreamReader's and Kestrel's default).</summary>
    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// SIP over UDP (one datagram) and over TCP (the same bytes framed by Content-Length): SipParser.TryParse never throws,
    /// and what it accepts keeps its meaning when written out and read again, since we forward and answer from it.
    /// </summary>
    public static void Sip(byte[] data)
    {
        ParseSip(data);

        var framer = new SipStreamFramer();
        for (var at = 0; at < data.Length; at += 512)
        {
            framer.Append(data.AsSpan(at, Math.Min(512, data.Length - at)));
            while (framer.Next() is { } framed)
            {
                ParseSip(framed);
            }
        }
    }

    private static void ParseSip(byte[] data)
    {
        if (!SipParser.TryParse(data, out var message, out var error))
        {
            Check(error is { Length: > 0 }, "SipParser refused without a reason");
            return;
        }

        // What the stack reads from every message it accepts.
        _ = message!.From.Tag;
        _ = message.To.HasTag;
        _ = message.CSeq;
        foreach (var via in message.GetAll("Via"))
        {
            _ = ViaHeader.Parse(via)?.Branch;
        }

        foreach (var name in (string[])["Contact", "Record-Route", "Route"])
        {
            foreach (var value in message.GetAll(name))
            {
                _ = SipUri.TryParse(NameAddress.Parse(value).Uri, out _);
            }
        }

        foreach (var name in (string[])["WWW-Authenticate", "Proxy-Authenticate", "Authorization", "Proxy-Authorization"])
        {
            _ = DigestAuth.Choose(message.GetAll(name));
        }

        if (message is SipRequest request)
        {
            _ = SipUri.TryParse(request.Uri, out _);
        }

        var written = message.ToBytes();
        Check(SipParser.TryParse(written, out var again, out var againError), $"an accepted message does not parse once written: {againError}");
        Check(again!.GetType() == message.GetType() && again.CallId == message.CallId && again.CSeq == message.CSeq
            && again.Body.AsSpan().SequenceEqual(message.Body), "an accepted message changes meaning once written");
    }

    /// <summary>SDP offers and answers from peers: TryParse never throws, and what it accepts is written and read back alike.</summary>
    public static void Sdp(byte[] data)
    {
        var text = Lenient.GetString(data);
        if (!SessionDescription.TryParse(text, out var sdp))
        {
            return;
        }

        _ = sdp.TelephoneEventPayloadType;
        _ = sdp.FirstAudioCodec?.ClockMultiplier;
        _ = SessionDescription.Answer(sdp, System.Net.IPAddress.Loopback, 4000, [AudioCodec.Opus, AudioCodec.Pcma, AudioCodec.Pcmu]);
        if (sdp.Codecs.Count == 0)
        {
            // Nothing we could answer with (the call gets 488); we never write a description without a codec.
            return;
        }

        var written = sdp.ToString();
        Check(SessionDescription.TryParse(written, out var again), "an accepted SDP does not parse once written");
        Check(again.AudioPort == sdp.AudioPort && again.Codecs.Count <= sdp.Codecs.Count, "an accepted SDP changes once written");
    }

    /// <summary>Account files (ImportCli accounts, the console's upload) and payment CSVs: bad rows become errors, never exceptions.</summary>
    public static void Csv(byte[] data)
    {
        var text = Lenient.GetString(data);
        using (var reader = new CsvReader(new StringReader(text)))
        {
            if (reader.Read() is { } header)
            {
                var (parser, errors, _) = AccountRowParser.FromHeader(header);
                Check(parser is not null || errors.Count > 0, "an account header refused without an error");
                while (reader.Read() is { } record)
                {
                    Check(record.Problem is null || record.ProblemField >= 0, $"CSV problem without a field on line {record.Line}");
                    if (parser is not null)
                    {
                        var (row, rowErrors) = parser.Parse(record);
                        Check(row is not null || rowErrors is { Count: > 0 }, $"line {record.Line} refused without an error");
                    }
                }
            }
        }

        var issues = new List<PaymentImportIssue>();
        _ = PaymentFileParsers.ReadCsv(new StringReader(text), issues);
    }

    /// <summary>ISO 20022 camt.053 bank statements: malformed XML or entries become import issues, never exceptions.</summary>
    public static void Camt053(byte[] data)
    {
        var issues = new List<PaymentImportIssue>();
        var records = PaymentFileParsers.ReadCamt053(new StreamReader(new MemoryStream(data), Lenient), issues);
        Check(records.All(r => r.Amount > 0), "a camt.053 payment with an amount that is not positive");
    }

    /// <summary>Call scripts in YAML (config/scripts, the scripts CLI): bad YAML and bad scripts become problems with a line.</summary>
    public static void ScriptYaml(byte[] data)
    {
        var result = ScriptLoader.Load(Lenient.GetString(data), "fuzz.yaml");
        Check(result.Script is not null || result.Problems.Count > 0, "a script refused without a problem");
    }

    private const string WebhookToken = "fuzz-auth-token";

    /// <summary>
    /// Twilio's webhook form (application/x-www-form-urlencoded), read as the console reads it and signed with the right
    /// token: a form within FormReader's limits is accepted, one over them refused with 400, and nothing else happens.
    /// </summary>
    public static void TwilioWebhook(byte[] data)
    {
        var options = new TwilioOptions { Enabled = true, AuthToken = WebhookToken, WebhookBaseUrl = "https://collections.example" };
        string? signature;
        try
        {
            // The signature Twilio would send, over the parameters as the console reads them (ReadFormAsync with the webhook's
            // limits; the older synchronous FormReader.ReadForm splits "a&=b" differently, so it is no oracle).
            var parsed = Request(data, null).ReadFormAsync(TwilioWebhooksApi.WebhookForm).GetAwaiter().GetResult();
            signature = TwilioSignature.Compute(WebhookToken, "https://collections.example/webhooks/twilio/inbound",
                parsed.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))));
        }
        catch (InvalidDataException)
        {
            signature = null;
        }

        var request = Request(data, signature ?? "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        var (form, refusal) = TwilioWebhooksApi.VerifiedFormAsync(request, options, NullLoggerFactory.Instance, CancellationToken.None).GetAwaiter().GetResult();
        if (data.Length > TwilioWebhooksApi.MaxBodyBytes)
        {
            Check(form is null && refusal is IStatusCodeHttpResult { StatusCode: 413 }, "an oversized webhook body was not refused with 413");
        }
        else if (signature is null)
        {
            Check(form is null && refusal is IStatusCodeHttpResult { StatusCode: 400 }, "a form over the limits was not refused with 400");
        }
        else
        {
            Check(form is not null, $"a correctly signed form was refused with {(refusal as IStatusCodeHttpResult)?.StatusCode}");
        }
    }

    private static HttpRequest Request(byte[] body, string? signature)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1");
        context.Request.Path = "/webhooks/twilio/inbound";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        if (signature is not null)
        {
            context.Request.Headers[TwilioSignature.Header] = signature;
        }

        return context.Request;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzFinding(what);
        }
    }
}

/// <summary>An input broke a parser's contract without an exception of its own (a refusal without a reason, a broken round trip).</summary>
public sealed class FuzzFinding(string message) : Exception(message);
