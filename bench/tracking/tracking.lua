-- GET requests spread over the tracking paths of real messages (one path per line in the file BENCH_PATHS names),
-- as bench/tracking/run.sh prepares them. Each thread starts at its own offset and walks the list.
local file = os.getenv("BENCH_PATHS")
if file == nil or file == "" then
  error("BENCH_PATHS is not set; run bench/tracking/run.sh rather than wrk directly")
end

local paths = {}
for line in io.lines(file) do
  if line ~= "" then
    table.insert(paths, line)
  end
end

local counter = 0

function init(args)
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter],
    { ["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148" })
end

local statuses = {}

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
