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
 *   chat:<pairKey>  hash: side -> stranger id of an open chat (pairKey: a digest of the
 *                   chat's pair secret; each stranger holds its side's digest, sideKey)
 *   ended:<pairKey> a chat that ended lately: a resume for it is refused as expired
 *   rejoin:<pairKey> the stranger rejoining a chat Redis had lost, until its partner does
 *   graces          sorted set: held (away) and rejoining strangers by the end of their grace
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
import { MATCHING_SCRIPT_RULES } from './redis-script-rules.js';

/** The operations, after the rules: what the script does for each `op`. */
const OPERATIONS = String.raw`local function ok(decisions) return cjson.encode({ ok = true, decisions = decisions }) end
local function refused(code) return cjson.encode({ ok = false, code = code }) end
local function banned(untilMs) return cjson.encode({ ok = false, code = 'banned', ['until'] = untilMs }) end

if op == 'register' then
  callerAlive()
  local id = ARGV[13]
  if redis.call('EXISTS', skey(id)) == 1 then
    -- Known already: new tags (a new key epoch), same state.
    redis.call('HSET', skey(id), 'tags', ARGV[14] or '')
  else
    redis.call('HSET', skey(id), 'state', 'idle', 'node', node, 'tags', ARGV[14] or '')
  end
  touch(id)
  redis.call('SADD', P .. 'strangers:' .. node, id)
  redis.call('PEXPIRE', P .. 'strangers:' .. node, strangerTtl)
  return ok({})
elseif op == 'start' then
  callerAlive()
  local s = load(ARGV[13])
  if s == nil then return refused('unknown_stranger') end
  if s.state ~= 'idle' then return refused('invalid_state') end
  local untilMs = bannedUntil(s)
  if untilMs then return banned(untilMs) end
  s.interests = ARGV[14]
  redis.call('HSET', skey(s.id), 'interests', ARGV[14])
  if ARGV[15] ~= '' then
    s.nickname = ARGV[15]
    redis.call('HSET', skey(s.id), 'nickname', ARGV[15])
  else
    s.nickname = nil
    redis.call('HDEL', skey(s.id), 'nickname')
  end
  -- ARGV[16]: languages, comma-joined; ARGV[17]: '1' for speakers of them only.
  setLanguages(s.id, ARGV[16], ARGV[17])
  s.languages, s.languagesOnly = ARGV[16], ARGV[17]
  return ok(enqueue(s))
elseif op == 'next' then
  local s = load(ARGV[13])
  if s == nil then return refused('unknown_stranger') end
  local untilMs = bannedUntil(s)
  if untilMs then return banned(untilMs) end
  if s.interests == nil then return refused('invalid_state') end
  if s.state == 'waiting' then return ok({}) end
  stopRejoining(s)
  local decisions = leavePartner(s, 'next', true)
  -- ARGV[14]: languages, comma-joined; ARGV[15]: '1' for speakers of them only.
  setLanguages(s.id, ARGV[14], ARGV[15])
  s.languages, s.languagesOnly = ARGV[14], ARGV[15]
  return ok(append(decisions, enqueue(s)))
elseif op == 'stop' then
  local s = load(ARGV[13])
  if s == nil then return refused('unknown_stranger') end
  redis.call('ZREM', P .. 'waiting', s.id)
  stopRejoining(s)
  local decisions = leavePartner(s, 'stop', true)
  redis.call('HSET', skey(s.id), 'state', 'idle')
  return ok(decisions)
elseif op == 'block' then
  local s = load(ARGV[13])
  if s == nil then return refused('unknown_stranger') end
  local partner = nil
  if s.partner ~= nil then partner = load(s.partner) end
  if s.state ~= 'paired' or partner == nil then return refused('invalid_state') end
  local blockMs = tonumber(ARGV[14])
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
  -- ARGV[13]: until (ms); ARGV[14..]: the banned tags. Rare (a ban needs several reports), so
  -- it may look at every stranger rather than keep an index of tags.
  local untilMs = tonumber(ARGV[13])
  if untilMs <= now then return ok({}) end
  local bannedTags = {}
  for i = 14, #ARGV do
    local key = P .. 'ban:' .. ARGV[i]
    local latest = math.max(untilMs, tonumber(redis.call('GET', key) or '0'))
    redis.call('SET', key, latest, 'PX', latest - now)
    bannedTags[ARGV[i]] = true
  end
  -- One entry per ban, whatever the number of its tags, for counting bans in force.
  if #ARGV >= 14 then
    local known = tonumber(redis.call('ZSCORE', P .. 'bans', ARGV[14]) or '0')
    if untilMs > known then redis.call('ZADD', P .. 'bans', untilMs, ARGV[14]) end
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
        stopRejoining(s)
        append(decisions, leavePartner(s, 'stop', false))
        redis.call('HSET', skey(id), 'state', 'idle')
        decisions[#decisions + 1] = { kind = 'banned', stranger = id, ['until'] = bannedUntil(s) or untilMs }
      end
    end
  end
  return ok(decisions)
elseif op == 'remove' then
  return ok(remove(ARGV[13]))
elseif op == 'hold' then
  return ok(hold(ARGV[13]))
elseif op == 'resume' then
  -- ARGV[13]: the new connection's stranger (idle); ARGV[14]: the resume token.
  local self = load(ARGV[13])
  if self == nil then return refused('unknown_stranger') end
  if self.state ~= 'idle' then return refused('invalid_state') end
  local pairSecret, sideSecret = string.match(ARGV[14], '^(%x+)%.(%x+)$')
  if pairSecret == nil or #pairSecret ~= 32 or #sideSecret ~= 32 then
    return refused('resume_invalid')
  end
  local pairKey, sideKey = digest(pairSecret), digest(sideSecret)
  if redis.call('EXISTS', P .. 'ended:' .. pairKey) == 1 then return refused('resume_expired') end
  local resumed = function(partnerId, token, present, decisions)
    return cjson.encode({ ok = true, decisions = decisions, resumeToken = token, partnerPresent = present })
  end
  local ids = redis.call('HKEYS', P .. 'chat:' .. pairKey)
  if #ids > 0 then
    local old, partner = nil, nil
    for _, id in ipairs(ids) do
      local s = load(id)
      if s ~= nil and s.sideKey == sideKey then old = s elseif s ~= nil then partner = s end
    end
    if old == nil or partner == nil then return refused('resume_invalid') end
    -- This connection takes over the old one's side, with a new side secret.
    local side = newSecret()
    redis.call('HSET', skey(self.id), 'state', 'paired', 'partner', partner.id,
      'pairedAt', old.pairedAt, 'interests', old.interests or '', 'pairKey', pairKey,
      'sideKey', digest(side))
    if old.nickname ~= nil then redis.call('HSET', skey(self.id), 'nickname', old.nickname) end
    if old.interests == nil then redis.call('HDEL', skey(self.id), 'interests') end
    local skips = P .. 'skips:' .. old.id
    if redis.call('EXISTS', skips) == 1 then redis.call('RENAME', skips, P .. 'skips:' .. self.id) end
    redis.call('HSET', skey(partner.id), 'partner', self.id)
    redis.call('HDEL', P .. 'chat:' .. pairKey, old.id)
    redis.call('HSET', P .. 'chat:' .. pairKey, self.id, '1')
    redis.call('ZREM', P .. 'graces', old.id)
    redis.call('DEL', skey(old.id))
    redis.call('SREM', P .. 'strangers:' .. (old.node or ''), old.id)
    touch(self.id)
    local decisions = {
      { kind = 'resumed', stranger = self.id, partner = partner.id },
      { kind = 'partnerReturned', stranger = partner.id, partner = self.id },
    }
    if old.awayUntil == nil then decisions[#decisions + 1] = { kind = 'replaced', stranger = old.id } end
    return resumed(partner.id, pairSecret .. '.' .. side, true, decisions)
  end
  -- Redis does not know the chat (it came back empty): wait for the partner to rejoin too.
  local decisions = {}
  local waiting = load(redis.call('GET', P .. 'rejoin:' .. pairKey) or '')
  if waiting ~= nil and waiting.state == 'rejoining' and waiting.id ~= self.id then
    if waiting.sideKey ~= sideKey then
      redis.call('DEL', P .. 'rejoin:' .. pairKey)
      redis.call('ZREM', P .. 'graces', waiting.id)
      -- Both rejoined with their tokens: both get new side secrets, so neither can be replayed.
      local side, theirs = newSecret(), newSecret()
      redis.call('HSET', skey(self.id), 'state', 'paired', 'partner', waiting.id, 'pairedAt', now,
        'pairKey', pairKey, 'sideKey', digest(side))
      redis.call('HSET', skey(waiting.id), 'state', 'paired', 'partner', self.id, 'pairedAt', now,
        'sideKey', digest(theirs))
      redis.call('HDEL', skey(waiting.id), 'rejoinUntil')
      -- Interests are unknown here; none keeps Next working (it looks again with them).
      for _, s in ipairs({ self, waiting }) do
        if s.interests == nil then redis.call('HSET', skey(s.id), 'interests', '') end
      end
      redis.call('HSET', P .. 'chat:' .. pairKey, self.id, '1', waiting.id, '1')
      redis.call('PEXPIRE', P .. 'chat:' .. pairKey, strangerTtl)
      redis.call('INCRBY', P .. 'paired', 2)
      redis.call('PEXPIRE', P .. 'paired', strangerTtl)
      return resumed(waiting.id, pairSecret .. '.' .. side, true, {
        { kind = 'resumed', stranger = self.id, partner = waiting.id },
        { kind = 'partnerReturned', stranger = waiting.id, partner = self.id,
          resumeToken = pairSecret .. '.' .. theirs },
      })
    end
    -- The same side again, from yet another connection: it replaces the first.
    append(decisions, remove(waiting.id))
    decisions[#decisions + 1] = { kind = 'replaced', stranger = waiting.id }
  end
  if resumeGrace <= 0 then return refused('resume_expired') end
  redis.call('HSET', skey(self.id), 'state', 'rejoining', 'pairKey', pairKey, 'sideKey', sideKey,
    'rejoinUntil', now + resumeGrace)
  redis.call('SET', P .. 'rejoin:' .. pairKey, self.id, 'PX', resumeGrace)
  redis.call('ZADD', P .. 'graces', now + resumeGrace, self.id)
  redis.call('PEXPIRE', P .. 'graces', strangerTtl)
  return resumed(nil, ARGV[14], false, decisions)
elseif op == 'pairWaiting' then
  local decisions = endGraces()
  for _, id in ipairs(redis.call('ZRANGE', P .. 'waiting', 0, -1)) do
    local s = load(id)
    if s ~= nil and s.state == 'waiting' and searchExpired(s) then
      -- Nobody who speaks its languages came in time: the search ends.
      redis.call('ZREM', P .. 'waiting', id)
      redis.call('HSET', skey(id), 'state', 'idle')
      setLanguages(id, nil)
      decisions[#decisions + 1] = { kind = 'searchEnded', stranger = id, reason = 'no_language_match' }
    elseif s ~= nil and s.state == 'waiting' and alive(s.node) then
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
      local languageChange = languageDeadline(s)
      -- A speakers-only search past its end is ended by the next round, however late it runs.
      if languageChange ~= nil and s.languagesOnly == '1' then
        consider(math.max(languageChange, now + 1))
      elseif languageChange ~= nil then
        consider(languageChange)
      end
      local skips = redis.call('HGETALL', P .. 'skips:' .. id)
      for i = 1, #skips, 2 do
        if waiting[skips[i]] then consider(tonumber(skips[i + 1])) end
      end
      for _, tag in ipairs(tagsOf(s)) do waitingTags[tag] = true end
    end
  end
  local grace = redis.call('ZRANGEBYSCORE', P .. 'graces', '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if #grace == 2 then consider(tonumber(grace[2])) end
  for tag, _ in pairs(waitingTags) do
    local blocked = redis.call('HGETALL', P .. 'blocks:' .. tag)
    for i = 1, #blocked, 2 do
      if waitingTags[blocked[i]] then consider(tonumber(blocked[i + 1])) end
    end
  end
  if deadline == nil then return cjson.encode({ deadline = false }) end
  return cjson.encode({ deadline = deadline })
elseif op == 'get' then
  local s = load(ARGV[13])
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
  if ARGV[13] == '1' then
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'strangers:' .. node)) do
      touch(id)
      local pairKey = redis.call('HGET', skey(id), 'pairKey')
      if pairKey then redis.call('PEXPIRE', P .. 'chat:' .. pairKey, strangerTtl) end
    end
    redis.call('PEXPIRE', P .. 'strangers:' .. node, strangerTtl)
    redis.call('PEXPIRE', P .. 'paired', strangerTtl)
  end
  return ok({})
elseif op == 'reap' then
  -- A node whose heartbeat has been missing for the grace period is dead: its strangers in
  -- a chat are held for a resume through another node, the others removed.
  local grace = tonumber(ARGV[13])
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
          append(decisions, hold(id))
        end
        redis.call('DEL', P .. 'strangers:' .. n, P .. 'gone:' .. n)
        redis.call('SREM', P .. 'nodes', n)
      end
    end
  end
  return ok(decisions)
elseif op == 'leave' then
  -- A node shutting down cleanly takes itself out; its strangers in a chat are held for a
  -- resume through another node (or this one, restarted), the others removed.
  local decisions = {}
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'strangers:' .. node)) do
    append(decisions, hold(id))
  end
  redis.call('DEL', P .. 'strangers:' .. node, P .. 'node:' .. node, P .. 'gone:' .. node)
  redis.call('SREM', P .. 'nodes', node)
  return ok(decisions)
end
return redis.error_reply('unknown matching operation')
`;

export const MATCHING_SCRIPT = `${MATCHING_SCRIPT_RULES}\n${OPERATIONS}`;
