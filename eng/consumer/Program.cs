// The consumer test (eng/consumer-test.sh): an app that installed the Verification packages from a folder.
//   1. Checks every package in that folder: metadata, README, XML docs, symbols with SourceLink.
//   2. Registers AddVerification() with its own capturing senders, sends a code by SMS through IVerificationService,
//      reads the code out of the message text, checks that a wrong code is refused and the right one verifies, and
//      redeems the token once.
//   3. Does the same by email over HTTP, through MapVerificationEndpoints() on a loopback port.
// Exits 0 when everything holds, 1 (with the reasons on stderr) otherwise.
//
//   dotnet Verification.ConsumerTest.dll <package folder> <expected version>
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Verification;
using Verification.AspNetCore;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Verification.ConsumerTest <package folder> <expected version>");
    return 2;
}

var failures = new List<string>();
void Check(bool condition, string failure)
{
    if (!condition)
    {
        failures.Add(failure);
        Console.Error.WriteLine("FAIL " + failure);
    }
}

// 1. The packages.
var feed = args[0];
var version = args[1];
var packages = Directory.GetFiles(feed, "*.nupkg").Order(StringComparer.Ordinal).ToArray();
Check(packages.Length > 0, $"no .nupkg in {feed}");
foreach (var package in packages)
{
    CheckPackage(package, version, Check);
}

Console.WriteLine($"checked {packages.Length} packages: metadata, README, XML docs, symbols, SourceLink");

// 2 and 3. The library, as an app uses it.
var outbox = new Outbox();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Services.AddVerification(options =>
    {
        options.ProjectId = "consumer-test";
        options.Tokens.AllowEphemeralKey = true;
    })
    .AddSmsSender(new CapturingSmsSender(outbox))
    .AddEmailSender(new CapturingEmailSender(outbox));

await using var app = builder.Build();
app.MapVerificationEndpoints();
await app.StartAsync();

try
{
    var verification = app.Services.GetRequiredService<IVerificationService>();

    // By SMS, through the service.
    var sent = await verification.SendAsync(new VerificationRequest(PhoneNumber: "+86 155 8866 5555", Usage: VerificationUsage.SignIn));
    Check(sent.Succeeded, $"SendAsync: {sent}");
    var sms = outbox.Take(VerificationChannel.Sms);
    Check(sms?.To == "+8615588665555", $"SMS recipient: {sms?.To}");
    var code = ExtractCode(sms?.Body);
    Check(code is not null && code == sms?.Code, "the SMS text carries the code");
    if (sent.Succeeded && code is not null)
    {
        var wrong = await verification.VerifyAsync(new VerifyRequest(sent.Value!.VerificationId, WrongCode(code)));
        Check(!wrong.Succeeded && wrong.Error!.Code == VerificationErrorCodes.InvalidVerificationCode, $"a wrong code: {wrong}");

        var verified = await verification.VerifyAsync(new VerifyRequest(sent.Value.VerificationId, code));
        Check(verified.Succeeded, $"VerifyAsync: {verified}");
        if (verified.Succeeded)
        {
            var redeemed = await verification.RedeemVerificationTokenAsync(verified.Value!.VerificationToken);
            Check(redeemed.Succeeded && redeemed.Value!.Contact == "+8615588665555" && redeemed.Value.Usage == VerificationUsage.SignIn,
                $"RedeemVerificationTokenAsync: {redeemed}");
            var again = await verification.RedeemVerificationTokenAsync(verified.Value.VerificationToken);
            Check(!again.Succeeded, "a second redeem of one token is refused");
        }
    }

    Console.WriteLine("service: sent an SMS code, refused a wrong code, verified, redeemed once");

    // By email, over HTTP.
    var address = app.Urls.First();   // the bound loopback address, port included, once started
    using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    using var sendAnswer = await http.PostAsJsonAsync("/auth/v1/verification", new { email = "someone@example.com", usage = "SIGN_IN" });
    var sendBody = await sendAnswer.Content.ReadFromJsonAsync<JsonElement>();
    Check(sendAnswer.IsSuccessStatusCode, $"POST /auth/v1/verification: {(int)sendAnswer.StatusCode} {sendBody}");
    var email = outbox.Take(VerificationChannel.Email);
    Check(email?.To == "someone@example.com" && email.Subject is { Length: > 0 } && email.HtmlBody is { Length: > 0 }, $"email: {email?.To}");
    var emailCode = ExtractCode(email?.Body);
    Check(emailCode is not null && emailCode == email?.Code, "the email text carries the code");
    if (sendAnswer.IsSuccessStatusCode && emailCode is not null)
    {
        var verificationId = sendBody.GetProperty("verification_id").GetString();
        using var verifyAnswer = await http.PostAsJsonAsync("/auth/v1/verification/verify",
            new { verification_id = verificationId, verification_code = emailCode });
        var verifyBody = await verifyAnswer.Content.ReadFromJsonAsync<JsonElement>();
        Check(verifyAnswer.IsSuccessStatusCode, $"POST /auth/v1/verification/verify: {(int)verifyAnswer.StatusCode} {verifyBody}");
        if (verifyAnswer.IsSuccessStatusCode)
        {
            var redeemed = await verification.RedeemVerificationTokenAsync(verifyBody.GetProperty("verification_token").GetString()!);
            Check(redeemed.Succeeded && redeemed.Value!.Email == "someone@example.com", $"redeem of the HTTP token: {redeemed}");
        }
    }

    using var bad = await http.PostAsync("/auth/v1/verification", new StringContent("{not json"));
    var badBody = await bad.Content.ReadFromJsonAsync<JsonElement>();
    Check((int)bad.StatusCode == 400 && badBody.TryGetProperty("error", out _), $"invalid JSON: {(int)bad.StatusCode} {badBody}");

    Console.WriteLine($"http: {address} sent an email code, verified it, answered bad input with a JSON error");
}
finally
{
    await app.StopAsync();
}

if (failures.Count > 0)
{
    Console.Error.WriteLine($"consumer test: {failures.Count} failure(s)");
    return 1;
}

Console.WriteLine("consumer test: the packages install and work");
return 0;

// The code as a person reads it: the one run of 4–10 digits in the text.
static string? ExtractCode(string? text)
{
    var matches = Regex.Matches(text ?? "", @"(?<!\d)\d{4,10}(?!\d)");
    return matches.Count == 1 ? matches[0].Value : null;
}

static string WrongCode(string code) => new(code.Select(c => c == '9' ? '0' : (char)(c + 1)).ToArray());

static void CheckPackage(string path, string version, Action<bool, string> check)
{
    var name = Path.GetFileName(path);
    using var zip = ZipFile.OpenRead(path);
    var nuspecEntry = zip.Entries.SingleOrDefault(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
    check(nuspecEntry is not null, $"{name}: no .nuspec");
    if (nuspecEntry is null)
    {
        return;
    }

    XDocument nuspec;
    using (var stream = nuspecEntry.Open())
    {
        nuspec = XDocument.Load(stream);
    }

    var ns = nuspec.Root!.Name.Namespace;
    var metadata = nuspec.Root.Element(ns + "metadata")!;
    string? Get(string element) => metadata.Element(ns + element)?.Value;

    var id = Get("id") ?? "";
    check(id.StartsWith("Verification.", StringComparison.Ordinal) && name == $"{id}.{version}.nupkg", $"{name}: id '{id}', version '{Get("version")}'");
    check(Get("version") == version, $"{name}: version {Get("version")}, expected {version}");
    check(Get("description") is { Length: > 20 }, $"{name}: no description");
    check(Get("tags")?.Split(' ').Contains("verification") == true, $"{name}: tags '{Get("tags")}'");
    check(metadata.Element(ns + "license") is { } license && license.Attribute("type")?.Value == "expression" && license.Value == "MIT", $"{name}: license is not the MIT expression");
    check(Get("projectUrl") == "https://github.com/verification-dotnet/verification", $"{name}: projectUrl '{Get("projectUrl")}'");
    var repository = metadata.Element(ns + "repository");
    check(repository?.Attribute("url")?.Value == "https://github.com/verification-dotnet/verification"
        && repository.Attribute("commit")?.Value is { Length: 40 }, $"{name}: repository {repository}");
    var readme = Get("readme");
    check(readme is not null && zip.GetEntry(readme) is { Length: > 0 }, $"{name}: no README");

    var dll = zip.GetEntry($"lib/net10.0/{id}.dll");
    check(dll is not null, $"{name}: no lib/net10.0/{id}.dll");
    check(zip.GetEntry($"lib/net10.0/{id}.xml") is { Length: > 0 }, $"{name}: no XML documentation");
    check(!zip.Entries.Any(e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal)), $"{name}: a .pdb in the package (symbols belong in the .snupkg)");

    // The symbols: the .snupkg beside it, its portable PDB carrying SourceLink to the commit on GitHub.
    var symbols = Path.ChangeExtension(path, ".snupkg");
    check(File.Exists(symbols), $"{name}: no {Path.GetFileName(symbols)}");
    if (!File.Exists(symbols))
    {
        return;
    }

    using var symbolZip = ZipFile.OpenRead(symbols);
    var pdbEntry = symbolZip.GetEntry($"lib/net10.0/{id}.pdb");
    check(pdbEntry is not null, $"{Path.GetFileName(symbols)}: no lib/net10.0/{id}.pdb");
    if (pdbEntry is null)
    {
        return;
    }

    using var pdbStream = new MemoryStream();
    using (var stream = pdbEntry.Open())
    {
        stream.CopyTo(pdbStream);
    }

    pdbStream.Position = 0;
    using var provider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
    var pdb = provider.GetMetadataReader();
    var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    string? sourceLink = null;
    foreach (var handle in pdb.CustomDebugInformation)
    {
        var info = pdb.GetCustomDebugInformation(handle);
        if (pdb.GetGuid(info.Kind) == sourceLinkKind)
        {
            sourceLink = System.Text.Encoding.UTF8.GetString(pdb.GetBlobBytes(info.Value));
        }
    }

    var commit = repository?.Attribute("commit")?.Value;
    check(sourceLink is not null && sourceLink.Contains($"https://raw.githubusercontent.com/verification-dotnet/verification/{commit}/", StringComparison.Ordinal),
        $"{Path.GetFileName(symbols)}: SourceLink {sourceLink ?? "missing"}");
    var documents = pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).ToArray();
    check(documents.Any(d => d.EndsWith(".cs", StringComparison.Ordinal)), $"{Path.GetFileName(symbols)}: no source documents");
}

/// <summary>Every message the app's senders were given, by channel.</summary>
internal sealed class Outbox
{
    private readonly ConcurrentQueue<VerificationMessage> _messages = new();

    public void Add(VerificationMessage message) => _messages.Enqueue(message);

    public VerificationMessage? Take(VerificationChannel channel) =>
        _messages.TryDequeue(out var message) && message.Channel == channel ? message : null;
}

internal sealed class CapturingSmsSender(Outbox outbox) : ISmsSender
{
    public string Name => "consumer-sms";

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        outbox.Add(message);
        return ValueTask.CompletedTask;
    }
}

internal sealed class CapturingEmailSender(Outbox outbox) : IEmailSender
{
    public string Name => "consumer-email";

    public ValueTask SendAsync(VerificationMessage message, CancellationToken cancellationToken = default)
    {
        outbox.Add(message);
        return ValueTask.CompletedTask;
    }
}
