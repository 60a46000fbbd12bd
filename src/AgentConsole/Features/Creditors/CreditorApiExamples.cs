namespace Collections.AgentConsole.Features.Creditors;

/// <summary>The bodies the OpenAPI document shows for the creditor API (the same as docs/creditor-api.md).</summary>
internal static class CreditorApiExamples
{
    public const string PlacementRequest = """
        [
          {"account_ref":"INV-2026-0001","debtor_type":"consumer","first_name":"Jana","last_name":"Novak","phone":"+49 151 23456789","phone_consent":true,
           "street":"Hauptstr. 1","postal_code":"10115","city":"Berlin","country":"DE","industry":"telecom","currency":"EUR","principal":412.50,"fees":5,
           "due_date":"2026-09-15","invoices":[{"number":"R-1","issued":"2026-08-15","due":"2026-09-15","amount":412.50}]},
          {"account_ref":"INV-2026-0002","debtor_type":"consumer","last_name":"Weber","country":"DE","currency":"EUR","principal":-3,"due_date":"31/05/2026"}
        ]
        """;

    public const string PlacementResponse = """
        {"created":1,"updated":0,"unchanged":0,"rejected":1,"results":[
          {"reference":"INV-2026-0001","status":"created","errors":[]},
          {"reference":"INV-2026-0002","status":"rejected","errors":[{"field":"principal","error":"negative amount -3"},{"field":"due_date","error":"unparseable date '31/05/2026' (expected yyyy-MM-dd or dd.MM.yyyy)"}]}]}
        """;

    public const string Account = """
        {"reference":"INV-2026-0001","creditor":"TELCO-DE","phase":"written-reminder","recalled":false,
         "balance":{"principal":412.50,"interest":3.10,"fees":5.00,"paid":100.00,"outstanding":320.60,"currency":"EUR"},
         "lastContact":{"at":"2026-10-02T09:14:00+00:00","channel":"sms","outcome":"delivered","rightPartyContact":false},
         "openPromise":{"amount":150.00,"currency":"EUR","due":"2026-10-20","madeAt":"2026-10-05T10:02:00+00:00"},"openPlan":null,
         "payments":[{"receivedOn":"2026-10-01","amount":100.00,"currency":"EUR","method":"bank-transfer","reference":"INV-2026-0001","toFees":5.00,"toInterest":3.10,"toPrincipal":91.90}]}
        """;

    public const string RecallRequest = """{"reason":"settled with the debtor directly"}""";

    public const string RecallResponse = """{"reference":"INV-2026-0001","recalled":true,"alreadyRecalled":false}""";

    public const string PaymentRequest = """{"amount":100.00,"currency":"EUR","receivedOn":"2026-10-01","method":"bank-transfer","reference":"direct 4471"}""";
}
