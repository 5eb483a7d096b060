using System.Diagnostics;
using System.Text.Json;
using SkiaSharp;

namespace Communique.Tests.Video;

// The checks of a rendered file by tools nobody here wrote: ffprobe for its streams, ffmpeg for its frames, tesseract
// for the text in a frame; and the file's top-level MP4 atoms, read from its bytes.
public static class MediaTools
{
    public static async Task<(string Output, string Errors, int Exit)> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (await output, await errors, process.ExitCode);
    }

    public static async Task<JsonElement> ProbeAsync(string path)
    {
        var (output, errors, exit) = await RunAsync("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of",
            "json", path);
        Assert.True(exit == 0, errors);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    // The frame shown at a time, as a decoded bitmap (PNG written by ffmpeg).
    public static async Task<SKBitmap> FrameAsync(string video, double seconds, string png)
    {
        var (_, errors, exit) = await RunAsync("ffmpeg", "-v", "error", "-y", "-ss",
            seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", video, "-frames:v", "1", png);
        Assert.True(exit == 0, errors);
        return SKBitmap.Decode(png);
    }

    public static async Task<string> OcrAsync(string png)
    {
        var (output, errors, exit) = await RunAsync("tesseract", png, "stdout", "-l", "eng", "--psm", "6");
        Assert.True(exit == 0, errors);
        return output;
    }

    // The names of the file's top-level boxes in order (ftyp, moov, mdat ...).
    public static List<string> TopLevelAtoms(byte[] file)
    {
        var atoms = new List<string>();
        long at = 0;
        while (at + 8 <= file.Length)
        {
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan((int)at, 4));
            atoms.Add(System.Text.Encoding.ASCII.GetString(file, (int)at + 4, 4));
            if (size == 1)
            {
                size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan((int)at + 8, 8));
            }

            if (size < 8)
            {
                break;
            }

            at += size;
        }

        return atoms;
    }

    // Colours equal within a tolerance per channel (video is lossy and YUV 4:2:0).
    public static bool Near(SKColor actual, SKColor expected, int tolerance = 24) =>
        Math.Abs(actual.Red - expected.Red) <= tolerance && Math.Abs(actual.Green - expected.Green) <= tolerance
        && Math.Abs(actual.Blue - expected.Blue) <= tolerance;
}
