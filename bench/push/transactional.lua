-- POST /push/transactional to one user a call, with the data the "Shipped" communication uses, as
-- bench/push/run.sh set it up: users user-<i> have one subscription each, so each call makes one message. Users are
-- taken in turn from BENCH_FIRST on (BENCH_USERS of them, then again from 0), a different one for every call while
-- there are enough. Counts the responses by status, and the accepted ones that did not make exactly one message.
local function need(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set; run bench/push/run.sh rather than wrk directly")
  end
  return value
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. need("BENCH_TOKEN")
wrk.headers["PB-Customer-Id"] = need("COMMUNIQUE_CUSTOMER_ID")

local body = '{"project":"Bench","campaign":"Alerts","communication":"Shipped","recipients":[{"userId":"user-%d",'
  .. '"data":{"order":"ORD-%07d","name":"Customer %d","date":"2026-12-%02d"}}]}'
local users = tonumber(need("BENCH_USERS"))
local first = tonumber(need("BENCH_FIRST"))
-- Each thread runs its own Lua state: the count of threads comes from run.sh.
local stride = tonumber(need("BENCH_THREADS"))
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  statuses = {}
  unexpected = 0
  refusal = nil
end

function request()
  local user = (first + sent * stride + id) % users
  sent = sent + 1
  return wrk.format(nil, nil, nil, string.format(body, user, first + sent, user, 1 + user % 28))
end

function response(status, headers, response_body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 then
    refusal = refusal or (status .. " " .. string.sub(response_body, 1, 400))
  elseif not string.find(response_body, '"messages":1,', 1, true) then
    unexpected = unexpected + 1
    refusal = refusal or ("not one message: " .. string.sub(response_body, 1, 400))
  end
end

-- One line per status ("status 200 12345"), the count of calls that made other than one message, and the first
-- refusal, for run.sh to read.
function done(summary, latency, requests)
  local totals = {}
  local odd = 0
  local first_refusal = nil
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    odd = odd + thread:get("unexpected")
    first_refusal = first_refusal or thread:get("refusal")
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
  io.write(string.format("unexpected %d\n", odd))
  if first_refusal ~= nil then
    io.write("first refusal: " .. first_refusal:gsub("\n", " ") .. "\n")
  end
end
