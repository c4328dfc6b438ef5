/**
 * The matching rules of matchmaker.ts, as one Redis Lua script, so that
 * every decision is atomic however many nodes ask at once. Keep the two in
 * step: the behaviour suite (signaling/test/matching-behaviour.ts) runs
 * against both.
 *
 * Keys, all under the configured prefix and all expiring:
 *   s:<id>          hash: state, interests (comma-joined tags), nickname,
 *                   since, ticket, partner, pairedAt, node
 *   skips:<id>      hash: stranger skipped -> until (ms)
 *   blocks:<tag>    hash: address tag blocked -> until (ms); tags are
 *                   short-lived pseudonyms of addresses, never addresses
 *   ban:<tag>       until (ms) an address tag is banned; expires then
 *   bans            sorted set: one member per ban in force (its first tag), by its end
 *   waiting         sorted set: waiting ids by ticket (queue order)
 *   ticket          counter for queue order
 *   paired          how many strangers are paired (for /healthz)
 *   node:<node>     a live node's heartbeat
 *   gone:<node>     when a node's heartbeat was first seen missing
 *   nodes           node ids, for the reaper
 *   strangers:<node> ids of a node's strangers, for the reaper
 *
 * Stranger ids are Socket.IO socket ids: random, unique across nodes.
 * The script names keys it builds itself, so it needs one Redis (or a
 * primary with replicas), not Redis Cluster.
 */
export const MATCHING_SCRIPT = String.raw`
local op = ARGV[1]
local P = ARGV[2]
local now = tonumber(ARGV[3])
local node = ARGV[4]
local interestWait = tonumber(ARGV[5])
local skipMemory = tonumber(ARGV[6])
local strangerTtl = tonumber(ARGV[7])
local nodeTtl = tonumber(ARGV[8])

local function skey(id) return P .. 's:' .. id end

-- A node is alive while its heartbeat lasts and its liveness subscription is
-- open: a killed process's connections close at once, so its strangers stop
-- being offered at once, not when the heartbeat runs out.
local function alive(n)
  if redis.call('EXISTS', P .. 'node:' .. n) == 0 then return false end
  local numsub = redis.call('PUBSUB', 'NUMSUB', P .. 'alive:' .. n)
  return tonumber(numsub[2]) > 0
end

-- Whoever calls is alive; after Redis restarted empty this counts before the next heartbeat.
local function callerAlive() redis.call('SET', P .. 'node:' .. node, '1', 'PX', nodeTtl) end

local function load(id)
  local h = redis.call('HGETALL', skey(id))
  if #h == 0 then return nil end
  local s = { id = id }
  for i = 1, #h, 2 do s[h[i]] = h[i + 1] end
  s.ticket = tonumber(s.ticket or '0')
  s.since = tonumber(s.since or '0')
  s.pairedAt = tonumber(s.pairedAt or '0')
  return s
end

local function touch(id) redis.call('PEXPIRE', skey(id), strangerTtl) end

local function interestsOf(s)
  local list = {}
  if s.interests == nil or s.interests == '' then return list end
  for tag in string.gmatch(s.interests, '[^,]+') do list[#list + 1] = tag end
  return list
end

local function sharedInterests(a, b)
  local theirs = {}
  for _, tag in ipairs(interestsOf(b)) do theirs[tag] = true end
  local shared = {}
  for _, tag in ipairs(interestsOf(a)) do
    if theirs[tag] then shared[#shared + 1] = tag end
  end
  return shared
end

local function isRemembered(a, b)
  local untilMs = redis.call('HGET', P .. 'skips:' .. a, b)
  if not untilMs then return false end
  if tonumber(untilMs) > now then return true end
  redis.call('HDEL', P .. 'skips:' .. a, b)
  return false
end

local function skippedEitherWay(a, b) return isRemembered(a.id, b.id) or isRemembered(b.id, a.id) end

local function tagsOf(s)
  local list = {}
  for tag in string.gmatch(s.tags or '', '[^,]+') do list[#list + 1] = tag end
  return list
end

local function blocks(from, to)
  for _, tag in ipairs(tagsOf(from)) do
    for _, other in ipairs(tagsOf(to)) do
      local untilMs = redis.call('HGET', P .. 'blocks:' .. tag, other)
      if untilMs and tonumber(untilMs) > now then return true end
    end
  end
  return false
end

local function blockedEitherWay(a, b) return blocks(a, b) or blocks(b, a) end

-- When the ban on any of the stranger's tags ends, or nil.
local function bannedUntil(s)
  local latest = nil
  for _, tag in ipairs(tagsOf(s)) do
    local untilMs = tonumber(redis.call('GET', P .. 'ban:' .. tag) or '0')
    if untilMs > now and (latest == nil or untilMs > latest) then latest = untilMs end
  end
  return latest
end

local function acceptsAnyone(s) return #interestsOf(s) == 0 or now - s.since >= interestWait end

local function pair(a, b)
  local initiator, responder = a, b
  if b.ticket < a.ticket then initiator, responder = b, a end
  redis.call('ZREM', P .. 'waiting', initiator.id, responder.id)
  redis.call('HSET', skey(initiator.id), 'state', 'paired', 'pairedAt', now, 'partner', responder.id)
  redis.call('HSET', skey(responder.id), 'state', 'paired', 'pairedAt', now, 'partner', initiator.id)
  touch(initiator.id)
  touch(responder.id)
  redis.call('INCRBY', P .. 'paired', 2)
  redis.call('PEXPIRE', P .. 'paired', strangerTtl)
  return {
    kind = 'paired',
    initiator = initiator.id,
    responder = responder.id,
    sharedInterests = sharedInterests(initiator, responder),
    nicknames = { [initiator.id] = initiator.nickname, [responder.id] = responder.nickname },
    waitedMs = { [initiator.id] = now - initiator.since, [responder.id] = now - responder.since },
  }
end

local function pairWithBest(s)
  local fallback = nil
  for _, otherId in ipairs(redis.call('ZRANGE', P .. 'waiting', 0, -1)) do
    if otherId ~= s.id then
      local other = load(otherId)
      if other == nil or other.state ~= 'waiting' then
        redis.call('ZREM', P .. 'waiting', otherId)
      elseif alive(other.node) and not skippedEitherWay(s, other) and not blockedEitherWay(s, other) then
        -- A stranger of a node without a heartbeat is never offered: no ghosts.
        if #sharedInterests(s, other) > 0 then return pair(other, s) end
        if fallback == nil and acceptsAnyone(s) and acceptsAnyone(other) then fallback = other end
      end
    end
  end
  if fallback ~= nil then return pair(fallback, s) end
  return nil
end

local function enqueue(s)
  s.state = 'waiting'
  s.since = now
  s.ticket = redis.call('INCR', P .. 'ticket')
  redis.call('PEXPIRE', P .. 'ticket', strangerTtl)
  redis.call('HSET', skey(s.id), 'state', 'waiting', 'since', now, 'ticket', s.ticket)
  redis.call('ZADD', P .. 'waiting', s.ticket, s.id)
  redis.call('PEXPIRE', P .. 'waiting', strangerTtl)
  touch(s.id)
  local decision = pairWithBest(s)
  if decision == nil then return {} end
  return { decision }
end

local function leavePartner(s, reason, rememberSkip)
  if s.state ~= 'paired' or s.partner == nil then return {} end
  local partnerId = s.partner
  local pairedForMs = now - s.pairedAt
  redis.call('HSET', skey(s.id), 'state', 'idle')
  redis.call('HDEL', skey(s.id), 'partner')
  s.state = 'idle'
  s.partner = nil
  redis.call('DECRBY', P .. 'paired', 1)
  if rememberSkip and skipMemory > 0 then
    redis.call('HSET', P .. 'skips:' .. s.id, partnerId, now + skipMemory)
    -- Redis's own clock bounds the key's life; 'until' above is the rule.
    redis.call('PEXPIRE', P .. 'skips:' .. s.id, skipMemory + 60000)
  end
  local partner = load(partnerId)
  if partner == nil then return {} end
  redis.call('HSET', skey(partnerId), 'state', 'idle')
  redis.call('HDEL', skey(partnerId), 'partner')
  redis.call('DECRBY', P .. 'paired', 1)
  return {
    { kind = 'partnerLeft', stranger = partnerId, leaver = s.id, reason = reason, pairedForMs = pairedForMs },
  }
end

local function append(list, more)
  for _, item in ipairs(more) do list[#list + 1] = item end
  return list
end

local function remove(id)
  local s = load(id)
  if s == nil then return {} end
  redis.call('ZREM', P .. 'waiting', id)
  local decisions = leavePartner(s, 'disconnect', false)
  redis.call('DEL', skey(id), P .. 'skips:' .. id)
  redis.call('SREM', P .. 'strangers:' .. (s.node or ''), id)
  return decisions
end

local function ok(decisions) return cjson.encode({ ok = true, decisions = decisions }) end
local function refused(code) return cjson.encode({ ok = false, code = code }) end
local function banned(untilMs) return cjson.encode({ ok = false, code = 'banned', ['until'] = untilMs }) end

if op == 'register' then
  callerAlive()
  local id = ARGV[9]
  if redis.call('EXISTS', skey(id)) == 1 then
    -- Known already: new tags (a new key epoch), same state.
    redis.call('HSET', skey(id), 'tags', ARGV[10] or '')
  else
    redis.call('HSET', skey(id), 'state', 'idle', 'node', node, 'tags', ARGV[10] or '')
  end
  touch(id)
  redis.call('SADD', P .. 'strangers:' .. node, id)
  redis.call('PEXPIRE', P .. 'strangers:' .. node, strangerTtl)
  return ok({})
elseif op == 'start' then
  callerAlive()
  local s = load(ARGV[9])
  if s == nil then return refused('unknown_stranger') end
  if s.state ~= 'idle' then return refused('invalid_state') end
  local untilMs = bannedUntil(s)
  if untilMs then return banned(untilMs) end
  s.interests = ARGV[10]
  redis.call('HSET', skey(s.id), 'interests', ARGV[10])
  if ARGV[11] ~= '' then
    s.nickname = ARGV[11]
    redis.call('HSET', skey(s.id), 'nickname', ARGV[11])
  else
    s.nickname = nil
    redis.call('HDEL', skey(s.id), 'nickname')
  end
  return ok(enqueue(s))
elseif op == 'next' then
  local s = load(ARGV[9])
  if s == nil then return refused('unknown_stranger') end
  local untilMs = bannedUntil(s)
  if untilMs then return banned(untilMs) end
  if s.interests == nil then return refused('invalid_state') end
  if s.state == 'waiting' then return ok({}) end
  local decisions = leavePartner(s, 'next', true)
  return ok(append(decisions, enqueue(s)))
elseif op == 'stop' then
  local s = load(ARGV[9])
  if s == nil then return refused('unknown_stranger') end
  redis.call('ZREM', P .. 'waiting', s.id)
  local decisions = leavePartner(s, 'stop', true)
  redis.call('HSET', skey(s.id), 'state', 'idle')
  return ok(decisions)
elseif op == 'block' then
  local s = load(ARGV[9])
  if s == nil then return refused('unknown_stranger') end
  local partner = nil
  if s.partner ~= nil then partner = load(s.partner) end
  if s.state ~= 'paired' or partner == nil then return refused('invalid_state') end
  local blockMs = tonumber(ARGV[10])
  for _, tag in ipairs(tagsOf(s)) do
    for _, other in ipairs(tagsOf(partner)) do
      -- One address on both sides (a shared NAT): see matchmaker.ts.
      if other ~= tag then redis.call('HSET', P .. 'blocks:' .. tag, other, now + blockMs) end
    end
    if redis.call('EXISTS', P .. 'blocks:' .. tag) == 1 then
      redis.call('PEXPIRE', P .. 'blocks:' .. tag, blockMs + 60000)
    end
  end
  local decisions = leavePartner(s, 'next', true)
  return cjson.encode({ ok = true, decisions = decisions, partnerTags = tagsOf(partner) })
elseif op == 'ban' then
  -- ARGV[9]: until (ms); ARGV[10..]: the banned tags. Rare (a ban needs several reports), so
  -- it may look at every stranger rather than keep an index of tags.
  local untilMs = tonumber(ARGV[9])
  if untilMs <= now then return ok({}) end
  local bannedTags = {}
  for i = 10, #ARGV do
    local key = P .. 'ban:' .. ARGV[i]
    local latest = math.max(untilMs, tonumber(redis.call('GET', key) or '0'))
    redis.call('SET', key, latest, 'PX', latest - now)
    bannedTags[ARGV[i]] = true
  end
  -- One entry per ban, whatever the number of its tags, for counting bans in force.
  if #ARGV >= 10 then
    local known = tonumber(redis.call('ZSCORE', P .. 'bans', ARGV[10]) or '0')
    if untilMs > known then redis.call('ZADD', P .. 'bans', untilMs, ARGV[10]) end
    if redis.call('PTTL', P .. 'bans') < untilMs - now then
      redis.call('PEXPIRE', P .. 'bans', untilMs - now)
    end
  end
  local decisions = {}
  for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'strangers:' .. n)) do
      local hit = false
      for tag in string.gmatch(redis.call('HGET', skey(id), 'tags') or '', '[^,]+') do
        if bannedTags[tag] then hit = true end
      end
      local s = hit and load(id) or nil
      if s ~= nil and s.state ~= 'idle' then
        redis.call('ZREM', P .. 'waiting', id)
        append(decisions, leavePartner(s, 'stop', false))
        redis.call('HSET', skey(id), 'state', 'idle')
        decisions[#decisions + 1] = { kind = 'banned', stranger = id, ['until'] = bannedUntil(s) or untilMs }
      end
    end
  end
  return ok(decisions)
elseif op == 'remove' then
  return ok(remove(ARGV[9]))
elseif op == 'pairWaiting' then
  local decisions = {}
  for _, id in ipairs(redis.call('ZRANGE', P .. 'waiting', 0, -1)) do
    local s = load(id)
    if s ~= nil and s.state == 'waiting' and alive(s.node) then
      local decision = pairWithBest(s)
      if decision ~= nil then decisions[#decisions + 1] = decision end
    end
  end
  return ok(decisions)
elseif op == 'nextDeadline' then
  local deadline = nil
  local function consider(t)
    if t > now and (deadline == nil or t < deadline) then deadline = t end
  end
  local waiting = {}
  local ids = redis.call('ZRANGE', P .. 'waiting', 0, -1)
  local waitingTags = {}
  for _, id in ipairs(ids) do waiting[id] = true end
  for _, id in ipairs(ids) do
    local s = load(id)
    if s ~= nil then
      -- A stranger whose node looks dead is either reaped or back soon: look again then.
      if not alive(s.node) then consider(now + 500) end
      if #interestsOf(s) > 0 then consider(s.since + interestWait) end
      local skips = redis.call('HGETALL', P .. 'skips:' .. id)
      for i = 1, #skips, 2 do
        if waiting[skips[i]] then consider(tonumber(skips[i + 1])) end
      end
      for _, tag in ipairs(tagsOf(s)) do waitingTags[tag] = true end
    end
  end
  for tag, _ in pairs(waitingTags) do
    local blocked = redis.call('HGETALL', P .. 'blocks:' .. tag)
    for i = 1, #blocked, 2 do
      if waitingTags[blocked[i]] then consider(tonumber(blocked[i + 1])) end
    end
  end
  if deadline == nil then return cjson.encode({ deadline = false }) end
  return cjson.encode({ deadline = deadline })
elseif op == 'get' then
  local s = load(ARGV[9])
  if s == nil then return cjson.encode({}) end
  return cjson.encode({ state = s.state, partner = s.partner })
elseif op == 'counts' then
  local connected = 0
  for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
    if alive(n) then connected = connected + redis.call('SCARD', P .. 'strangers:' .. n) end
  end
  local paired = tonumber(redis.call('GET', P .. 'paired') or '0')
  redis.call('ZREMRANGEBYSCORE', P .. 'bans', '-inf', now)
  local bans = redis.call('ZCARD', P .. 'bans')
  return cjson.encode({ connected = connected, waiting = redis.call('ZCARD', P .. 'waiting'), paired = paired, bans = bans })
elseif op == 'heartbeat' then
  redis.call('SET', P .. 'node:' .. node, '1', 'PX', nodeTtl)
  redis.call('DEL', P .. 'gone:' .. node)
  redis.call('SADD', P .. 'nodes', node)
  redis.call('PEXPIRE', P .. 'nodes', strangerTtl)
  if ARGV[9] == '1' then
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'strangers:' .. node)) do touch(id) end
    redis.call('PEXPIRE', P .. 'strangers:' .. node, strangerTtl)
    redis.call('PEXPIRE', P .. 'paired', strangerTtl)
  end
  return ok({})
elseif op == 'reap' then
  -- A node whose heartbeat has been missing for the grace period is dead:
  -- its strangers are removed and their partners told.
  local grace = tonumber(ARGV[9])
  local t = redis.call('TIME')
  local clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local decisions = {}
  for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
    if not alive(n) then
      local gone = redis.call('GET', P .. 'gone:' .. n)
      if not gone then
        redis.call('SET', P .. 'gone:' .. n, clock, 'PX', strangerTtl)
      elseif clock - tonumber(gone) >= grace then
        for _, id in ipairs(redis.call('SMEMBERS', P .. 'strangers:' .. n)) do
          append(decisions, remove(id))
        end
        redis.call('DEL', P .. 'strangers:' .. n, P .. 'gone:' .. n)
        redis.call('SREM', P .. 'nodes', n)
      end
    end
  end
  return ok(decisions)
elseif op == 'leave' then
  -- A node shutting down cleanly takes its strangers and itself out.
  local decisions = {}
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'strangers:' .. node)) do
    append(decisions, remove(id))
  end
  redis.call('DEL', P .. 'strangers:' .. node, P .. 'node:' .. node, P .. 'gone:' .. node)
  redis.call('SREM', P .. 'nodes', node)
  return ok(decisions)
end
return redis.error_reply('unknown matching operation')
`;
