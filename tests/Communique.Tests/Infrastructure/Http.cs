using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Communique.Tests.Infrastructure;

public static class Http
{
    public static async Task<JsonElement> JsonAsync(
        this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    // Asserts an RFC 9457 problem response and returns it.
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:communique:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, object body) =>
        client.PatchAsJsonAsync(path, body);

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;

    // A multipart/form-data body written by hand, parts in the order given, so that a test can send what HttpClient's
    // own form refuses: the file part's name goes as RFC 5987 filename* (percent-encoded, any character).
    public static HttpContent RawForm(string fileName, byte[] file, params (string Name, string Value)[] parts)
    {
        const string boundary = "communique-test-boundary";
        var body = new MemoryStream();
        void Write(string text) => body.Write(System.Text.Encoding.UTF8.GetBytes(text));
        foreach (var (name, value) in parts)
        {
            Write($"--{boundary}\r\n");
            if (name == "file")
            {
                var encoded = Uri.EscapeDataString(fileName);
                Write($"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''{encoded}\r\n");
                Write("Content-Type: application/octet-stream\r\n\r\n");
                body.Write(file);
                Write("\r\n");
            }
            else
            {
                Write($"Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
            }
        }

        Write($"--{boundary}--\r\n");
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType =
            System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }
}
