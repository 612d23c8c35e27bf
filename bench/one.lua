-- one.lua — wrk script for one GET path (bench/run.sh's throughput
-- figures): HTTP Basic auth, answers counted by status; done() prints
-- them as one line "statuses: 200=N …" for run.sh to read.
--
--   BENCH_PATH=/v2/users/me BENCH_AUTH=<base64 of demo:token> \
--     wrk -t2 -c16 -d10s --latency -s bench/one.lua http://127.0.0.1:8080
--
-- With BENCH_AUTHS naming a file of such base64 credentials, one a line,
-- each request takes the next of them instead (many tokens in turn, so
-- that no responder holds the answer for the token it is asked about).

local path = os.getenv("BENCH_PATH") or error("BENCH_PATH is not set")
local auth = "Basic " .. (os.getenv("BENCH_AUTH") or error("BENCH_AUTH is not set"))
local auths = {}
local auths_file = os.getenv("BENCH_AUTHS")
if auths_file and auths_file ~= "" then
  for line in io.lines(auths_file) do table.insert(auths, "Basic " .. line) end
end
local turn = 0

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("first", #threads * 499) -- threads start far apart in the list
end

function init(args)
  statuses = {}
  turn = first or 0
end

function request()
  if #auths > 0 then
    turn = turn % #auths + 1
    return wrk.format("GET", path, { ["Authorization"] = auths[turn] })
  end
  return wrk.format("GET", path, { ["Authorization"] = auth })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s or {}) do all[k] = (all[k] or 0) + v end
  end
  local keys = {}
  for k in pairs(all) do table.insert(keys, k) end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do table.insert(out, k .. "=" .. all[k]) end
  io.write("statuses: " .. table.concat(out, " ") .. "\n")
end
